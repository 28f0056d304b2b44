import { join } from 'node:path';

/** The WfFormat fixtures of these tests (the 1.5 one is a copy of the research note's fixture). */
export const FIXTURES = join(import.meta.dirname, '..', '..', 'fixtures', 'wfformat');
export const DIAMOND_15 = join(FIXTURES, 'diamond-1.5.json');
export const DIAMOND_14 = join(FIXTURES, 'diamond-1.4.json');

/** The fixture's eight edges as `producer->consumer`, as wfformat.md §3 lists them. */
export const DIAMOND_EDGES = [
  'split_ID0000001->proc_ID0000002',
  'split_ID0000001->proc_ID0000003',
  'split_ID0000001->proc_ID0000004',
  'proc_ID0000002->merge_ID0000005',
  'proc_ID0000003->merge_ID0000005',
  'proc_ID0000004->check_ID0000006',
  'merge_ID0000005->final_ID0000007',
  'check_ID0000006->final_ID0000007',
].sort();

import { rngFor } from '../../core/random.js';

/** Options of `genomeWfFormat`. */
export interface GenomeShape {
  readonly chromosomes: number;
  readonly individualsPerChromosome: number;
  /** Population files; each chromosome gets one mutation_overlap and one frequency task per population. */
  readonly populations: readonly string[];
  readonly seed?: number;
}

/** The seven populations of the public 1000Genome instances. */
export const GENOME_POPULATIONS = ['AFR', 'GBR', 'ALL', 'SAS', 'EAS', 'AMR', 'EUR'] as const;

/**
 * A WfFormat 1.5 instance in the shape of the Pegasus 1000Genome workflow of WfCommons (written for octoplan, with
 * figures of the order of the public 2-chromosome instance): per chromosome, `individualsPerChromosome` individuals
 * tasks (≈ 52 s each, reading a 1 GB VCF) feed one individuals_merge (≈ 38 s); one sifting task (≈ 0.3 s) per
 * chromosome; and per chromosome and population a mutation_overlap (≈ 4.5 s) and a frequency task (≈ 110 s), each
 * reading the merge's and the sifting's outputs: two upstream tasks shared by 2 × populations tasks, the shape
 * Algorithm 3's several-upstreams rule piles onto one worker. 2 chromosomes × 10 individuals × 7 populations is
 * 52 tasks, the size of the public `1000genome-chameleon-2ch-100k-001` instance.
 */
export function genomeWfFormat(shape: GenomeShape): object {
  const rng = rngFor(shape.seed ?? 1, 'genome-fixture');
  const jitter = (x: number, cv = 0.03) => Math.round(x * (1 + cv * (2 * rng.next() - 1)) * 1000) / 1000;
  const tasks: { name: string; id: string; parents: string[]; children: string[]; inputFiles: string[]; outputFiles: string[] }[] = [];
  const exec: { id: string; runtimeInSeconds: number; avgCPU: number; machines: string[] }[] = [];
  const files = new Map<string, number>();
  let n = 0;
  const add = (fn: string, parents: string[], inputFiles: string[], outputFiles: string[], runtime: number, avgCPU: number): string => {
    const id = `${fn}_ID${String(++n).padStart(7, '0')}`;
    tasks.push({ name: id, id, parents, children: [], inputFiles, outputFiles });
    for (const p of parents) tasks.find((t) => t.id === p)!.children.push(id);
    exec.push({ id, runtimeInSeconds: jitter(runtime), avgCPU: Math.round(jitter(avgCPU)), machines: ['pegasus-5'] });
    return id;
  };
  files.set('columns.txt', 20_078);
  for (const pop of shape.populations) files.set(pop, pop === 'ALL' ? 28_000 : Math.round(jitter(5_000, 0.5)));
  for (let c = 0; c < shape.chromosomes; c++) {
    const chr = `chr${21 + c}`;
    const vcf = `ALL.${chr}.100000.vcf`;
    files.set(vcf, Math.round(jitter(1_014_400_000, 0.001)));
    const individuals: string[] = [];
    const parts: string[] = [];
    for (let i = 0; i < shape.individualsPerChromosome; i++) {
      const part = `${chr}n-${i * 1000 + 1}-${(i + 1) * 1000 + 1}.tar.gz`;
      files.set(part, Math.round(jitter(28_200, 0.01)));
      parts.push(part);
      individuals.push(add('individuals', [], [vcf, 'columns.txt'], [part], 52, 165));
    }
    const merged = `${chr}n.tar.gz`;
    files.set(merged, Math.round(jitter(25_000, 0.01)));
    const merge = add('individuals_merge', individuals, parts, [merged], 38, 108);
    const sites = `ALL.${chr}.phase3_shapeit2_mvncall_integrated_v5.20130502.sites.annotation.vcf`;
    const sifted = `sifted.SIFT.${chr}.txt`;
    files.set(sites, Math.round(jitter(270_000_000, 0.05)));
    files.set(sifted, Math.round(jitter(350_000, 0.4)));
    const sifting = add('sifting', [], [sites], [sifted], 0.33, 120);
    for (const pop of shape.populations) {
      const overlap = `${chr}-${pop}.tar.gz`;
      const freq = `${chr}-${pop}-freq.tar.gz`;
      files.set(overlap, Math.round(jitter(145_000, 0.1)));
      files.set(freq, Math.round(jitter(265_000, 0.1)));
      add('mutation_overlap', [merge, sifting], [pop, sifted, merged, 'columns.txt'], [overlap], 4.5, 70);
      add('frequency', [merge, sifting], [pop, sifted, merged, 'columns.txt'], [freq], 110, 82);
    }
  }
  return {
    name: `1000genome-${shape.chromosomes}ch-${tasks.length}`,
    description: 'octoplan test fixture in the shape of the Pegasus 1000Genome workflow (test/planners/genome-fixture.ts)',
    schemaVersion: '1.5',
    workflow: {
      specification: { tasks, files: [...files].map(([id, sizeInBytes]) => ({ id, sizeInBytes })) },
      execution: {
        makespanInSeconds: 776,
        executedAt: '2020-04-01T03:50:43Z',
        tasks: exec,
        machines: [{ nodeName: 'pegasus-5', cpu: { coreCount: 48 } }],
      },
    },
  };
}

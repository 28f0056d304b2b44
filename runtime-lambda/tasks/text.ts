import { rngFor } from '../../core/random.js';

/** Words, lower-cased and stripped of punctuation, in text order. */
export function words(text: string): string[] {
  return text.toLowerCase().split(/[^a-z']+/).filter((w) => w !== '' && w !== "'");
}

/** Sentences: runs of text ended by `.`, `!` or `?`. */
export function sentences(text: string): string[] {
  return text.split(/[.!?]+/).map((s) => s.trim()).filter((s) => s !== '');
}

/** Word -> occurrences, keys sorted so equal counts encode to equal bytes. */
export type Counts = Record<string, number>;

/** Counts words. */
export function countWords(list: readonly string[]): Counts {
  const counts = new Map<string, number>();
  for (const w of list) counts.set(w, (counts.get(w) ?? 0) + 1);
  return sortedCounts(counts);
}

/** Sums several counts. */
export function mergeCounts(all: readonly Counts[]): Counts {
  const merged = new Map<string, number>();
  for (const counts of all) for (const [w, n] of Object.entries(counts)) merged.set(w, (merged.get(w) ?? 0) + n);
  return sortedCounts(merged);
}

function sortedCounts(counts: ReadonlyMap<string, number>): Counts {
  const out: Counts = {};
  for (const w of [...counts.keys()].sort()) out[w] = counts.get(w)!;
  return out;
}

/** The `n` most frequent words, ties broken alphabetically. */
export function topWords(counts: Counts, n: number): [string, number][] {
  return Object.entries(counts)
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .slice(0, n);
}

/** The `index`-th of `parts` near-equal slices of a list. */
export function slice<T>(list: readonly T[], parts: number, index: number): T[] {
  return list.slice(Math.floor((index * list.length) / parts), Math.floor(((index + 1) * list.length) / parts));
}

const VOCABULARY = (
  'the of and to in a is that for it as was with be by on not he this are or his from at which but have an they you ' +
  'were her she there been one all we their has would when if so no more out up into do any your what some can time ' +
  'king love night good great fair sweet death heart sorrow joy war peace lord lady crown sword storm sea star ' +
  'happy sad bright dark noble false true gentle cruel honest bitter brave fear hope grace shame honour'
).split(' ');

/**
 * A seeded text of about `bytes` bytes: Zipf-like word frequencies (early vocabulary words are common), sentences of
 * 5–20 words, paragraphs of 3–7 sentences, so counts, sentences and paragraphs all have something to find.
 */
export function generateText(bytes: number, seed: number | string, stream: string): string {
  const rng = rngFor(seed, stream);
  const paragraphs: string[] = [];
  let size = 0;
  while (size < bytes) {
    const sentenceList: string[] = [];
    const sentenceCount = 3 + rng.int(5);
    for (let s = 0; s < sentenceCount; s++) {
      const length = 5 + rng.int(16);
      const list: string[] = [];
      for (let w = 0; w < length; w++) list.push(VOCABULARY[Math.floor(VOCABULARY.length * rng.next() ** 2)]!);
      list[0] = list[0]!.charAt(0).toUpperCase() + list[0]!.slice(1);
      sentenceList.push(list.join(' ') + (rng.next() < 0.1 ? '!' : '.'));
    }
    const paragraph = sentenceList.join(' ');
    paragraphs.push(paragraph);
    size += paragraph.length + 2;
  }
  return paragraphs.join('\n\n');
}

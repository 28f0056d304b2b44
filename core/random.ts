import seedrandom from 'seedrandom';

/**
 * Seeded randomness, split per component. Every random choice in octoplan draws from a generator derived from the
 * run's seed and the name of the component that draws (`rngFor(seed, 'run-3/exec')`), so adding a component or
 * drawing more numbers in one never shifts the numbers another component sees.
 */
export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
}

/** A generator for one component of a seeded run. */
export function rngFor(seed: string | number, component: string): Rng {
  const prng = seedrandom(`${String(seed)}/${component}`);
  return { next: () => prng.double() };
}

/** A standard normal draw (Box–Muller; one of the pair is discarded so each call consumes exactly two uniforms). */
export function standardNormal(rng: Rng): number {
  // 1 - u keeps the logarithm's argument in (0, 1].
  const u = 1 - rng.next();
  const v = rng.next();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/**
 * A multiplicative noise factor with median 1: `exp(sigma · N(0,1))`. Service times are right-skewed and never
 * negative, which a log-normal captures and a normal does not.
 */
export function lognormalFactor(rng: Rng, sigma: number): number {
  if (sigma === 0) {
    // Still consume the draws so a zero-noise parameter does not shift later draws of the same generator.
    standardNormal(rng);
    return 1;
  }
  return Math.exp(sigma * standardNormal(rng));
}

/** True with probability `p`. */
export function bernoulli(rng: Rng, p: number): boolean {
  return rng.next() < p;
}

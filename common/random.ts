import { commonError } from './errors.js';

// Math members bound once: global lookups are slow inside Jest's vm contexts, and this code is hot.
const { PI, abs, cos, exp, floor, imul, log, sin, sqrt } = Math;

/**
 * Seeded pseudo-random source used by every stochastic step of the project (the diffusion noise of a restoration,
 * low-dose simulation, synthetic data).
 * Generator: xoshiro128** 1.1 (Blackman & Vigna 2018, "Scrambled linear pseudorandom number generators"),
 * 128-bit state seeded through splitmix32, period 2^128 - 1. Never use Math.random in the project.
 */
export interface Rng {
  /** Next raw 32-bit output as an unsigned integer in [0, 2^32). */
  nextUint32(): number;
  /** Uniform double in [0, 1) built from 53 random bits: (a >>> 5) * 2^26 + (b >>> 6), divided by 2^53. */
  uniform(): number;
  /** Standard normal N(0, 1) by the Box-Muller transform; the second value of each pair is kept for the next call. */
  normal(): number;
  /**
   * Poisson(mean) sample as a non-negative integer. mean < 10: sequential-search inversion of the CDF.
   * mean >= 10: PTRS, Hörmann's transformed rejection with squeeze (W. Hörmann 1993, "The transformed rejection method
   * for generating Poisson random variables", Insurance: Mathematics and Economics 12:39-45), which is exact.
   */
  poisson(mean: number): number;
}

const TWO_POW_26 = 67108864;
const TWO_POW_53 = 9007199254740992;
const TWO_POW_32 = 4294967296;
const POISSON_INVERSION_LIMIT = 10;
const MAX_FINITE = Number.MAX_VALUE;

/** splitmix32 step: returns [output, next state]; used to spread a seed over the xoshiro state. */
function splitmix32(state: number): [number, number] {
  const next = (state + 0x9e3779b9) | 0;
  let z = next;
  z = imul(z ^ (z >>> 16), 0x85ebca6b);
  z = imul(z ^ (z >>> 13), 0xc2b2ae35);
  z ^= z >>> 16;
  return [z >>> 0, next];
}

function assertSeed(fn: string, seed: number): void {
  if (!Number.isSafeInteger(seed)) {
    throw commonError('COMMON_ERR_BAD_ARGUMENT', `${fn}: seed: expected a safe integer, got ${seed}`, {
      argument: 'seed',
    });
  }
}

/** log(k!) by exact summation below 256 and the Stirling series above (error < 1e-15 relative). */
const LOG_FACTORIAL_TABLE = (() => {
  const table = new Float64Array(256);
  for (let k = 1; k < 256; k++) table[k] = table[k - 1] + log(k);
  return table;
})();

function logFactorial(k: number): number {
  if (k < 256) return LOG_FACTORIAL_TABLE[k];
  // Stirling with x = k + 1: ln k! = ln Γ(x) = (x - 1/2) ln x - x + ln(2π)/2 + 1/(12x) - 1/(360x^3) + 1/(1260x^5)
  const x = k + 1;
  const x2 = x * x;
  return (x - 0.5) * log(x) - x + 0.9189385332046728 + (1 / 12 - (1 / 360 - 1 / (1260 * x2)) / x2) / x;
}

class Xoshiro128StarStar implements Rng {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;
  private spareNormal = 0;
  private hasSpareNormal = false;

  constructor(words: readonly [number, number, number, number]) {
    this.s0 = words[0] | 0;
    this.s1 = words[1] | 0;
    this.s2 = words[2] | 0;
    this.s3 = words[3] | 0;
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1;
  }

  nextUint32(): number {
    const result = imul(rotl(imul(this.s1, 5), 7), 9);
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result >>> 0;
  }

  uniform(): number {
    const a = this.nextUint32() >>> 5;
    const b = this.nextUint32() >>> 6;
    return (a * TWO_POW_26 + b) / TWO_POW_53;
  }

  normal(): number {
    if (this.hasSpareNormal) {
      this.hasSpareNormal = false;
      return this.spareNormal;
    }
    // Box-Muller: r = sqrt(-2 ln u1), z0 = r cos(2π u2), z1 = r sin(2π u2); u1 in (0, 1] so ln never sees 0.
    const u1 = 1 - this.uniform();
    const u2 = this.uniform();
    const r = sqrt(-2 * log(u1));
    const phi = 2 * PI * u2;
    this.spareNormal = r * sin(phi);
    this.hasSpareNormal = true;
    return r * cos(phi);
  }

  poisson(mean: number): number {
    if (!(mean >= 0 && mean <= MAX_FINITE)) {
      throw commonError('COMMON_ERR_BAD_ARGUMENT', `poisson: mean: expected a finite value >= 0, got ${mean}`, {
        argument: 'mean',
      });
    }
    if (mean === 0) return 0;
    return mean < POISSON_INVERSION_LIMIT ? this.poissonInversion(mean) : this.poissonPtrs(mean);
  }

  /** Inversion: smallest k with u <= sum_{i<=k} e^-λ λ^i / i!. */
  private poissonInversion(mean: number): number {
    const u = this.uniform();
    let k = 0;
    let p = exp(-mean);
    let cdf = p;
    while (u > cdf && k < 1000) {
      k++;
      p *= mean / k;
      cdf += p;
    }
    return k;
  }

  /** PTRS (Hörmann 1993, algorithm PTRS), constants as published. */
  private poissonPtrs(mean: number): number {
    const slam = sqrt(mean);
    const logLam = log(mean);
    const b = 0.931 + 2.53 * slam;
    const a = -0.059 + 0.02483 * b;
    const invAlpha = 1.1239 + 1.1328 / (b - 3.4);
    const vr = 0.9277 - 3.6224 / (b - 2);
    for (;;) {
      const u = this.uniform() - 0.5;
      const v = this.uniform();
      const us = 0.5 - abs(u);
      const k = floor(((2 * a) / us + b) * u + mean + 0.43);
      if (us >= 0.07 && v <= vr) return k;
      if (k < 0 || (us < 0.013 && v > us)) continue;
      if (log(v) + log(invAlpha) - log(a / (us * us) + b) <= -mean + k * logLam - logFactorial(k)) {
        return k;
      }
    }
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/**
 * Creates an independent generator. Equal seeds give equal streams on every platform (integer arithmetic only,
 * Math.log/cos/sin aside for normal and Poisson draws).
 * @param seed - any safe integer
 * @throws COMMON_ERR_BAD_ARGUMENT when seed is not a safe integer
 * @example const rng = createRng(42); const z = rng.normal();
 */
export function createRng(seed: number): Rng {
  assertSeed('createRng', seed);
  let state = (seed >>> 0) ^ imul(floor(seed / TWO_POW_32) | 0, 0x27d4eb2f);
  const words: [number, number, number, number] = [0, 0, 0, 0];
  for (let i = 0; i < 4; i++) {
    const [out, next] = splitmix32(state);
    words[i] = out;
    state = next;
  }
  return new Xoshiro128StarStar(words);
}

/**
 * Creates a generator from a raw xoshiro128** state (four 32-bit words, not all zero; an all-zero state is
 * replaced by [1, 0, 0, 0]). For checking the generator against the reference test vectors; use createRng otherwise.
 */
export function createRngFromState(state: readonly [number, number, number, number]): Rng {
  return new Xoshiro128StarStar(state);
}

/**
 * Derives the seed of sub-stream `index` (a slice, a frame) from a parent seed, so that work split in chunks draws
 * the same numbers as work done at once. Mixing: two splitmix32 rounds over (seed, index).
 * @param seed - parent seed, a safe integer
 * @param index - stream index, a safe integer
 * @returns an unsigned 32-bit seed
 * @throws COMMON_ERR_BAD_ARGUMENT when seed or index is not a safe integer
 */
export function deriveSeed(seed: number, index: number): number {
  assertSeed('deriveSeed', seed);
  assertSeed('deriveSeed', index);
  const seedMix = (seed >>> 0) ^ imul(floor(seed / TWO_POW_32) | 0, 0x27d4eb2f);
  const [first] = splitmix32(seedMix);
  const indexMix = (index >>> 0) ^ imul(floor(index / TWO_POW_32) | 0, 0x165667b1);
  const [second] = splitmix32((first ^ imul(indexMix, 0x9e3779b1)) | 0);
  return second;
}

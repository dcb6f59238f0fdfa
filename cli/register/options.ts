import { InvalidArgumentError } from 'commander';
import {
  DEVICE_REQUESTS,
  isStrength,
  STRENGTH_WEIGHTS,
  STRENGTHS,
  type Branches,
  type DeviceRequest,
  type Strength,
} from '../../models/index.js';
import {
  DERIVED_VIDEO_ENCODINGS,
  isDerivedVideoEncoding,
  type DerivedVideoEncoding,
} from '../../pacs-adapters/index.js';

/** Option parsers the commands share: a bad value is a usage error (exit 2) naming the option and what it takes. */

export function positiveInt(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`expected a positive integer, got "${v}"`);
  return n;
}

export function nonNegativeInt(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError(`expected an integer >= 0, got "${v}"`);
  return n;
}

export function deviceOption(v: string): DeviceRequest {
  if (!(DEVICE_REQUESTS as readonly string[]).includes(v))
    throw new InvalidArgumentError(`expected one of ${DEVICE_REQUESTS.join(', ')}, got "${v}"`);
  return v as DeviceRequest;
}

/**
 * `--strength`: every pack's output blended with its input (models/README.md "Strength"); a GSDiff pack with a
 * `trn_frame.strengths` table says itself how each strength acts, and the help says so.
 */
export const STRENGTH_HELP = `restoration strength: ${STRENGTHS.map((s) => `${s} (blend ${STRENGTH_WEIGHTS[s]})`).join(', ')}, unless the pack declares its own (trn_frame.strengths)`;

export function strengthOption(v: string): Strength {
  if (!isStrength(v)) throw new InvalidArgumentError(`expected one of ${STRENGTHS.join(', ')}, got "${v}"`);
  return v;
}

/** `--video h264|hevc`: the derived series as video; absent, lossless. */
export function videoOption(v: string): DerivedVideoEncoding {
  if (!isDerivedVideoEncoding(v))
    throw new InvalidArgumentError(`expected one of ${DERIVED_VIDEO_ENCODINGS.join(', ')}, got "${v}"`);
  return v;
}

/** `--strengths low,medium,high` */
export function strengthList(v: string): Strength[] {
  return v.split(',').map((x) => strengthOption(x.trim()));
}

export function img2imgStrengthOption(v: string): number {
  const n = Number(v);
  if (!(n > 0 && n <= 1)) throw new InvalidArgumentError(`expected 0 < img2img strength <= 1, got "${v}"`);
  return n;
}

const BRANCHES: readonly Branches[] = ['full', 'trn-only', 'diffusion-only'];

/** `--branches full,trn-only,diffusion-only`: the ablation rows of a GSDiff pack. */
export function branchList(v: string): Branches[] {
  return v.split(',').map((x) => {
    const b = x.trim() as Branches;
    if (!BRANCHES.includes(b))
      throw new InvalidArgumentError(`expected a list of ${BRANCHES.join(', ')}, got "${x.trim()}"`);
    return b;
  });
}

/** `--start-timesteps 1,5,matched`: one-step start timesteps (1..999) or 'matched'. */
export function startTimestepList(v: string): (number | 'matched')[] {
  return v.split(',').map((x) => {
    const t = x.trim();
    if (t === 'matched') return t;
    const n = Number(t);
    if (!(Number.isInteger(n) && n >= 1 && n <= 999))
      throw new InvalidArgumentError(`expected a list of integer timesteps 1..999 or "matched", got "${t}"`);
    return n;
  });
}

export function sliceRange(v: string): [number, number] {
  const m = /^(\d+)-(\d+)$/.exec(v.trim());
  if (!m || Number(m[1]) < 1 || Number(m[2]) < Number(m[1]))
    throw new InvalidArgumentError(`expected a 1-based range a-b with a <= b, got ${v}`);
  return [Number(m[1]), Number(m[2])];
}

export function doseList(v: string): number[] {
  return v.split(',').map((x) => doseFraction(x.trim()));
}

export function doseFraction(v: string): number {
  const n = Number(v);
  if (!(n > 0 && n < 1)) throw new InvalidArgumentError(`expected a fraction 0 < f < 1, got "${v}"`);
  return n;
}

/** A repeatable option: each occurrence appended. */
export function repeatable(v: string, acc: string[]): string[] {
  return [...acc, v];
}

import type { Strength } from '../../wire/index.js';

/**
 * Restoration strength as vendor denoisers offer it. It acts as one blend of each restored frame with its input,
 * out = input + w · (restored − input), applied after the whole pipeline for every pack class (models/README.md
 * "Strength"), so its effect is predictable: the change, and with it the noise removed, scales with w.
 *
 * The `Strength` type itself is part of the server↔viewer contract (jobs carry it), so it is defined in wire/ and
 * re-exported here; the list, the weights and the default are the runtime's.
 */
export type { Strength };

/** Every strength, weakest first (the order the CLI, API and viewer list them in). */
export const STRENGTHS: readonly Strength[] = Object.freeze(['low', 'medium', 'high'] as const);

/**
 * The blend weight w of each strength. Frozen: derived series record the strength and its weight, so a change here
 * changes what an old label meant. high = 1 is the pipeline's own output, unblended.
 */
export const STRENGTH_WEIGHTS: Readonly<Record<Strength, number>> = Object.freeze({ low: 0.5, medium: 0.75, high: 1 });

/**
 * The default blend weights of a pack's RGB per-frame TRN (`trn_frame.rgb.weights` when the pack gives none): the
 * graph is trained for one deblurring, none stronger, so high equals medium, the graph's own output; low blends
 * half of it.
 */
export const RGB_TRN_WEIGHTS: Readonly<Record<Strength, number>> = Object.freeze({ low: 0.5, medium: 1, high: 1 });

/** The strength of every surface (CLI, API, jobs, evaluate, validate, the runtime) when none is given. */
export const DEFAULT_STRENGTH: Strength = 'medium';

/** True for 'low', 'medium' and 'high' (anything else, including other case, is not a strength). */
export function isStrength(v: unknown): v is Strength {
  return typeof v === 'string' && (STRENGTHS as readonly string[]).includes(v);
}

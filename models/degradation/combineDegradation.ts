import type { DegradationEstimate, DegradationGuess } from './DegradationEstimate.js';

/** Labels that mean "nothing to remove": they never become the phrase. */
const NOTHING = /^(no|none|no visible|clean)\b/i;
const PRIORITY = { vlm: 0, recognizer: 1, header: 2 } as const;

/**
 * Combines the sources into the template's [degradation]: the VLM's answer first, then the in-pack recognizer when it
 * is at least `minConfidence` sure, then the header prior; the header prior is appended when it adds words the
 * primary lacks (e.g. "noise" + "low-dose CT noise" -> "low-dose CT noise").
 */
export function combineDegradation(
  guesses: readonly DegradationGuess[],
  template: string,
  minConfidence = 0.5,
): DegradationEstimate {
  const usable = guesses
    .filter((g) => g.phrase && !NOTHING.test(g.phrase) && (g.source !== 'recognizer' || g.confidence >= minConfidence))
    .sort((a, b) => PRIORITY[a.source] - PRIORITY[b.source]);
  const primary = usable[0];
  const header = guesses.find((g) => g.source === 'header');
  let phrase = primary?.phrase ?? header?.phrase ?? 'noise';
  if (primary && header && primary !== header) {
    const a = primary.phrase.toLowerCase();
    const b = header.phrase.toLowerCase();
    if (b.includes(a)) phrase = header.phrase;
    else if (!a.includes(b)) phrase = `${primary.phrase} and ${header.phrase}`;
  }
  return { phrase, prompt: template.replace('[degradation]', phrase), guesses };
}

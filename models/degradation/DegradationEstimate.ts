/** Where a degradation phrase came from. */
export type DegradationSource = 'vlm' | 'recognizer' | 'header';

export interface DegradationGuess {
  readonly source: DegradationSource;
  /** Short phrase that fills the template's [degradation], e.g. "low-dose CT noise". */
  readonly phrase: string;
  /** 0..1; the header prior and the VLM state theirs, the recognizer reports its softmax probability. */
  readonly confidence: number;
  /** Why: the header values used, the VLM's raw answer, or the recognizer's label ranking. */
  readonly evidence: string;
}

export interface DegradationEstimate {
  /** The text that fills the template. */
  readonly phrase: string;
  /** The full prompt given to the CLIP text encoder. */
  readonly prompt: string;
  /** Every source consulted, including failed ones (with evidence saying why), for the job record. */
  readonly guesses: readonly DegradationGuess[];
}

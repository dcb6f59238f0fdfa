import * as ort from 'onnxruntime-node';
import type { DegradationGuess } from './DegradationEstimate.js';

/**
 * The pack's own degradation classifier on the first frame's CLIP pixel values: the label with the highest
 * softmax probability, and the ranking as evidence.
 */
export async function packRecognizer(
  session: ort.InferenceSession,
  labels: readonly string[],
  pixelValues: Float32Array,
  size: number,
): Promise<DegradationGuess> {
  const out = await session.run({ pixel_values: new ort.Tensor('float32', pixelValues, [1, 3, size, size]) });
  const logits = out.logits.data as Float32Array;
  const max = Math.max(...logits);
  const exp = Array.from(logits, (l) => Math.exp(l - max));
  const sum = exp.reduce((a, b) => a + b, 0);
  const ranked = exp.map((e, i) => ({ label: labels[i], p: e / sum })).sort((a, b) => b.p - a.p);
  return {
    source: 'recognizer',
    phrase: ranked[0].label,
    confidence: ranked[0].p,
    evidence: ranked.map((r) => `${r.label} ${r.p.toFixed(3)}`).join(', '),
  };
}

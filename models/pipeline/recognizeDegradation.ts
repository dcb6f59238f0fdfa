import { combineDegradation } from '../degradation/combineDegradation.js';
import type { DegradationEstimate, DegradationGuess } from '../degradation/DegradationEstimate.js';
import { headerPrior, type HeaderFacts } from '../degradation/headerPrior.js';
import { packRecognizer } from '../degradation/packRecognizer.js';
import { askVlm, type RgbImage, type VlmOptions } from '../degradation/vlmRecognizer.js';
import type { GsdiffPack } from '../pack/loadPack.js';
import { clipPixelValues } from './clipPixelValues.js';

/**
 * Stage 1 of GSDIFF.md on the first frame: the VLM (when configured; its failure is recorded and the others decide),
 * the pack's recognizer and the DICOM-header prior, combined into the template text.
 */
export async function recognizeDegradation(
  pack: GsdiffPack,
  first: { model: Float32Array; display: RgbImage; height: number; width: number },
  header: HeaderFacts,
  vlm?: Omit<VlmOptions, 'prompt'>,
): Promise<DegradationEstimate> {
  const guesses: DegradationGuess[] = [];
  if (vlm) {
    try {
      guesses.push(await askVlm(first.display, { ...vlm, prompt: pack.index.prompts.recognition }));
    } catch (e) {
      guesses.push({
        source: 'vlm',
        phrase: '',
        confidence: 0,
        evidence: `failed, fell back: ${e instanceof Error ? e.message : String(e)}`,
      });
    }
  }
  const r = pack.shapes.recognizerImageSize ?? first.height;
  guesses.push(
    await packRecognizer(
      pack.sessions.degradation_recognizer,
      pack.labels,
      clipPixelValues(first.model, first.height, first.width, r),
      r,
    ),
  );
  guesses.push(headerPrior(header));
  return combineDegradation(guesses, pack.index.prompts.template);
}

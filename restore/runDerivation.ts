import { defaultBranches, type LoadedPack, type SeriesKind } from '../models/index.js';
import { restorationDerivation, type DerivationInfo, type RunStrength } from '../pacs-adapters/index.js';
import { gsdiffSampling } from './gsdiffSampling.js';
import type { RestoreDicomOptions } from './RestoreDicomOptions.js';

/**
 * The DerivationInfo every derived instance of a run carries: a GSDiff run names its text, steps, img2img strength
 * and seed, and which branches ran when not both; a denoiser or filter run has none of them. `auto` records no task
 * (GSDiff: it follows the text).
 * @param degradation - the text the run conditioned on (recognised or chosen)
 * @param kind - the series' kind: the pack's default branches may differ between CT and RGB series
 */
export function runDerivation(
  pack: LoadedPack,
  o: RestoreDicomOptions,
  degradation: string,
  strength: RunStrength,
  kind: SeriesKind = 'ct',
): DerivationInfo {
  const task = o.task === 'auto' ? undefined : o.task;
  const shared = { task, device: pack.device, strength, softwareVersion: o.softwareVersion };
  if (pack.kind !== 'gsdiff') {
    return restorationDerivation({ pipeline: 'denoiser', pack: { ...pack.index, sha256: pack.sha256 }, ...shared });
  }
  const sampling = gsdiffSampling(pack, o);
  return restorationDerivation({
    degradation,
    pack: { ...pack.index, sha256: pack.sha256 },
    steps: sampling.steps,
    img2imgStrength: sampling.img2imgStrength,
    seed: o.seed,
    branches: defaultBranches(pack.index, kind),
    ...shared,
  });
}

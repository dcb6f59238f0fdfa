import type { DerivationInfo } from './DerivationInfo.js';

/** The pack a run used, as recorded in every derived instance. */
interface RunPack {
  readonly name: string;
  readonly version?: string;
  readonly sha256: string;
  readonly tile: { readonly height: number; readonly width: number };
  /** Present for classical-filter packs (FilterPipeline): what the filter was, so the method names it. */
  readonly filter?: { readonly kind: string };
}

/**
 * The restoration strength a run used, as the runtime applied it (models' strengthAction): its blend weight and, for a
 * pack that declares its strengths, the share of the reference's own noise its TRN graph removes.
 */
export interface RunStrength {
  readonly level: string;
  readonly weight: number;
  readonly ownNoiseRemoved?: number;
}

/** What a GSDiff restoration run records about itself in every derived instance. */
export interface GsdiffRestorationRun {
  readonly pipeline?: 'gsdiff';
  /** The degradation text the run conditioned on (recognised or chosen). */
  readonly degradation: string;
  /** Forced task; when absent it follows the degradation text (blur without noise: deblur, else denoise). */
  readonly task?: 'denoise' | 'deblur';
  readonly pack: RunPack & { readonly grid: { readonly rows: number; readonly cols: number } };
  readonly device: string;
  readonly steps: number;
  /** diffusers' img2img strength (fraction of the DDIM schedule run); recorded as `img2img_strength`. */
  readonly img2imgStrength: number;
  readonly strength: RunStrength;
  readonly seed: number;
  readonly softwareVersion: string;
  /**
   * Absent or 'full': both branches ran. 'trn-only': the Tail Refine Network alone (no diffusion branch, so steps and
   * img2img strength did not act); 'diffusion-only': no TRN (an ablation). Recorded so a reader knows what made the
   * pixels.
   */
  readonly branches?: 'full' | 'trn-only' | 'diffusion-only';
}

/**
 * What a run of a single-network denoiser pack (a baseline such as RED-CNN) or of a classical-filter pack records:
 * no text, steps or noise.
 */
export interface DenoiserRestorationRun {
  readonly pipeline: 'denoiser';
  /** Default: denoise. */
  readonly task?: 'denoise' | 'deblur';
  readonly pack: RunPack;
  readonly device: string;
  readonly strength: RunStrength;
  readonly softwareVersion: string;
}

/** A restoration run of either pack class; `pipeline` tells them apart (absent: GSDiff). */
export type RestorationRun = GsdiffRestorationRun | DenoiserRestorationRun;

/**
 * The DerivationInfo of a restoration (DerivationDescription, derivation code, contributing equipment): one
 * definition shared by `gsdiff restore` and the server's jobs, so both describe their output the same way.
 */
export function restorationDerivation(r: RestorationRun): DerivationInfo {
  const tile = `${r.pack.tile.height}x${r.pack.tile.width}`;
  if (r.pipeline === 'denoiser') {
    return {
      method: r.pack.filter
        ? `classical filter (baseline): ${r.pack.filter.kind}`
        : 'single-network denoiser (baseline)',
      task: r.task ?? 'denoise',
      packName: r.pack.name,
      packVersion: r.pack.version,
      packSha256: r.pack.sha256,
      parameters: { tile, device: r.device },
      strength: r.strength,
      softwareVersion: r.softwareVersion,
    };
  }
  const partial = r.branches !== undefined && r.branches !== 'full';
  return {
    method: partial
      ? `GSDiff grid-splicing diffusion restoration, ${r.branches === 'trn-only' ? 'Tail Refine Network only (diffusion branch off)' : 'diffusion branch only (no Tail Refine Network)'}`
      : 'GSDiff grid-splicing diffusion restoration',
    task: r.task ?? (/blur/.test(r.degradation) && !/noise/.test(r.degradation) ? 'deblur' : 'denoise'),
    packName: r.pack.name,
    packVersion: r.pack.version,
    packSha256: r.pack.sha256,
    parameters: {
      degradation: r.degradation,
      steps: r.steps,
      img2img_strength: r.img2imgStrength,
      seed: r.seed,
      grid: `${r.pack.grid.rows}x${r.pack.grid.cols}`,
      tile,
      device: r.device,
      ...(partial ? { branches: r.branches } : {}),
    },
    strength: r.strength,
    softwareVersion: r.softwareVersion,
  };
}

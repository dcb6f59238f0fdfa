import type { DerivationInfo } from './DerivationInfo.js';

/** What a GSDiff restoration run records about itself in every derived instance. */
export interface RestorationRun {
  /** The degradation text the run conditioned on (recognised or chosen). */
  readonly degradation: string;
  /** Forced task; when absent it follows the degradation text (blur without noise: deblur, else denoise). */
  readonly task?: 'denoise' | 'deblur';
  readonly pack: {
    readonly name: string;
    readonly version?: string;
    readonly sha256: string;
    readonly grid: { readonly rows: number; readonly cols: number };
    readonly tile: { readonly height: number; readonly width: number };
  };
  readonly device: string;
  readonly steps: number;
  readonly strength: number;
  readonly seed: number;
  readonly softwareVersion: string;
}

/**
 * The DerivationInfo of a GSDiff restoration (DerivationDescription, derivation code, contributing equipment): one
 * definition shared by `gsdiff restore` and the server's jobs, so both describe their output the same way.
 */
export function restorationDerivation(r: RestorationRun): DerivationInfo {
  return {
    method: 'GSDiff grid-splicing diffusion restoration',
    task: r.task ?? (/blur/.test(r.degradation) && !/noise/.test(r.degradation) ? 'deblur' : 'denoise'),
    packName: r.pack.name,
    packVersion: r.pack.version,
    packSha256: r.pack.sha256,
    parameters: {
      degradation: r.degradation,
      steps: r.steps,
      strength: r.strength,
      seed: r.seed,
      grid: `${r.pack.grid.rows}x${r.pack.grid.cols}`,
      tile: `${r.pack.tile.height}x${r.pack.tile.width}`,
      device: r.device,
    },
    softwareVersion: r.softwareVersion,
  };
}

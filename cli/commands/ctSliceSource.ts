import { basename } from 'node:path';
import type { CtSliceSource } from '../../validation/index.js';
import { pacsError } from '../../pacs-adapters/index.js';
import { seriesFrame, type LoadedSeries } from './seriesFromPaths.js';

/**
 * A loaded CT series as the noise measurements read it: HU slices on demand, pixel size, and the slice spacing when
 * the series has one step (the slice-difference estimator needs it).
 * @throws PACS_ERR_SERIES_INCONSISTENT when the series is not CT, has no PixelSpacing or non-square pixels
 */
export function ctSliceSource(loaded: LoadedSeries, label: string): CtSliceSource {
  const s = loaded.series;
  const where = basename(label) || label;
  if (s.modality !== 'CT')
    throw pacsError('PACS_ERR_SERIES_INCONSISTENT', `${label}: expected a CT series, got Modality ${s.modality}`, {
      field: 'Modality',
    });
  const spacing = s.geometry.pixelSpacing;
  if (spacing === undefined)
    throw pacsError('PACS_ERR_SERIES_INCONSISTENT', `${label}: expected PixelSpacing (0028,0030)`, {
      field: 'PixelSpacing',
    });
  if (Math.abs(spacing[0] - spacing[1]) > 1e-3 * spacing[0])
    throw pacsError(
      'PACS_ERR_SERIES_INCONSISTENT',
      `${label}: expected square pixels, got PixelSpacing ${spacing.join('\\')}`,
      {
        field: 'PixelSpacing',
      },
    );
  const runs = s.geometry.spacingRuns;
  return {
    label: where,
    count: s.slices.length,
    width: s.columns,
    height: s.rows,
    pixelSizeMm: spacing[0],
    ...(s.firstHeader.sliceThickness !== undefined ? { sliceThicknessMm: s.firstHeader.sliceThickness } : {}),
    ...(s.geometry.uniform && runs.length === 1 ? { sliceSpacingMm: Math.abs(runs[0].normalSpacingMm) } : {}),
    frame: async (i) => (await seriesFrame(loaded, i)) as Float32Array,
  };
}

import { writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Logger } from '../../common/index.js';
import {
  checkLcdSet,
  checkSeriesNoise,
  noiseCheckTable,
  renderNoiseCheckHtml,
  type LcdCheck,
  type SeriesNoiseCheck,
} from '../../validation/index.js';
import { EXIT } from '../exitCodes.js';
import { publishFolder } from '../publishFolder.js';
import { VERSION } from '../version.js';
import { ctSliceSource } from './ctSliceSource.js';
import { seriesFromPaths } from './seriesFromPaths.js';

export interface NoiseCheckOptions {
  /** The FDA LCD-CT dose-level set's folder, checked too. */
  readonly lcd?: string;
  /** Folder for report.html and result.json (written complete or not at all). */
  readonly out?: string;
  readonly json?: boolean;
  readonly seed: number;
  readonly logger: Logger;
}

/**
 * `gsdiff noise-check <series...>`: the noise-realism check of issue "Step 11" for each CT series (one folder or file
 * set per argument) and, with --lcd, the FDA LCD-CT set: the series' own noise against the noise our simulation
 * inserts, NPS mean/peak frequency and SD, and the square-root dose law.
 * @returns an EXIT code
 */
export async function noiseCheckCommand(
  paths: readonly string[],
  o: NoiseCheckOptions,
  out: NodeJS.WritableStream,
): Promise<number> {
  const series: SeriesNoiseCheck[] = [];
  for (const path of paths) {
    const loaded = await seriesFromPaths([path]);
    const src = ctSliceSource(loaded, path);
    const check = await checkSeriesNoise(src, {
      convolutionKernel: loaded.series.firstHeader.acquisition?.convolutionKernel,
      seed: o.seed,
    });
    o.logger.info({ series: src.label, error: check.meanFrequencyError }, 'noise-check: series done');
    series.push(check);
  }
  const lcd: LcdCheck | undefined = o.lcd ? await checkLcdSet(o.lcd) : undefined;
  const result = {
    series: series.map((c) => ({
      label: c.label,
      pixelSizeMm: c.pixelSizeMm,
      model: c.model,
      own: { meanFrequency: c.ownNps.meanFrequency, peakFrequency: c.ownNps.peakFrequency, sdHu: c.model.own.sdHu },
      inserted25: {
        meanFrequency: c.insertedNps.meanFrequency,
        peakFrequency: c.insertedNps.peakFrequency,
        sdHu: Math.sqrt(c.insertedNps.variance),
      },
      meanFrequencyError: c.meanFrequencyError,
      doseLaw: c.doseLaw,
      npsFrequencies: Array.from(c.ownNps.frequencies),
      ownNps: Array.from(c.ownNps.nps),
      insertedNps: Array.from(c.insertedNps.nps),
    })),
    lcd: lcd && {
      kernel: lcd.kernel,
      incidentPhotons: lcd.incidentPhotons,
      rows: lcd.rows.map((r) => ({
        doseFraction: r.doseFraction,
        set: {
          meanFrequency: r.set.meanFrequency,
          peakFrequency: r.set.peakFrequency,
          sdHu: Math.sqrt(r.set.variance),
        },
        ours: {
          meanFrequency: r.ours.meanFrequency,
          peakFrequency: r.ours.peakFrequency,
          sdHu: Math.sqrt(r.ours.variance),
        },
        meanFrequencyError: r.meanFrequencyError,
        sdError: r.sdError,
      })),
    },
  };
  if (o.out) {
    const provenance = {
      command: `gsdiff noise-check ${paths.join(' ')}${o.lcd ? ` --lcd ${o.lcd}` : ''}`,
      date: new Date().toISOString(),
      version: VERSION,
    };
    await publishFolder(resolve(o.out), async (tmp) => {
      await writeFile(join(tmp, 'report.html'), renderNoiseCheckHtml(series, lcd, provenance));
      await writeFile(join(tmp, 'result.json'), `${JSON.stringify(result, null, 1)}\n`);
    });
  }
  out.write(o.json ? `${JSON.stringify(result, null, 1)}\n` : noiseCheckTable(series, lcd));
  return EXIT.OK;
}

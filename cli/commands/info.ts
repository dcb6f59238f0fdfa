import { basename } from 'node:path';
import {
  assembleSeries,
  importCapsuleClip,
  isVideoClip,
  PacsError,
  parseInstance,
  readInstanceFile,
  type AssembledSeries,
  type ImageHeader,
} from '../../pacs-adapters/index.js';
import { EXIT } from '../exitCodes.js';
import { progress } from '../progress.js';
import { walkFiles } from '../walkFiles.js';

export interface InfoOptions {
  json?: boolean;
}

interface Rejected {
  file: string;
  code: string;
  message: string;
}

/**
 * `gsdiff info <file|dir>...`: reads every file, assembles series and prints what a reader needs before
 * trusting a volume: size, spacing runs, tilt, gaps/duplicates, frame timing, plus each rejected file and why. A
 * video clip is converted in memory as `gsdiff import` would (one instance per run) and summarized like DICOM.
 * @returns an EXIT code
 */
export async function infoCommand(
  paths: readonly string[],
  options: InfoOptions,
  out: NodeJS.WritableStream,
): Promise<number> {
  const { files, missing } = await walkFiles(paths);
  const headers: ImageHeader[] = [];
  const rejected: Rejected[] = [];
  const skipped: string[] = [];
  const bar = progress('reading', files.length);
  for (const { path: file, fromFolder } of files) {
    try {
      if (isVideoClip(file)) headers.push(...(await clipHeaders(file)));
      else headers.push((await readInstanceFile(file)).header);
    } catch (e) {
      if (!(e instanceof PacsError)) throw e;
      // Licences and notes beside the images are not errors; a file named explicitly must be DICOM.
      if (fromFolder && e.code === 'PACS_ERR_NOT_DICOM') skipped.push(file);
      else rejected.push({ file, code: e.code, message: e.message });
    }
    bar.tick(file);
  }
  bar.stop();
  const series = headers.length ? assembleSeries(headers) : [];
  if (options.json) {
    out.write(`${JSON.stringify({ series: series.map(seriesJson), rejected, skipped, missing }, null, 2)}\n`);
  } else {
    for (const s of series) out.write(`${describeSeries(s)}\n`);
    if (rejected.length) {
      out.write(`${rejected.length} file(s) not read:\n`);
      for (const r of rejected) out.write(`  ${r.code}  ${r.message}\n`);
    }
    if (skipped.length) out.write(`skipped ${skipped.length} non-DICOM file(s): ${skipped.join(', ')}\n`);
    for (const m of missing) out.write(`missing: ${m}\n`);
  }
  if (headers.length === 0) return EXIT.NO_INPUT;
  return rejected.length || missing.length ? EXIT.PARTIAL : EXIT.OK;
}

/** The headers of a clip's instances, one instance held at a time (same UIDs as `gsdiff import`). */
async function clipHeaders(file: string): Promise<ImageHeader[]> {
  const headers: ImageHeader[] = [];
  for await (const inst of importCapsuleClip(file, { uidSeed: `gsdiff-capsule:${basename(file)}` }))
    headers.push(parseInstance(inst.bytes, `${file}#run${inst.runId}`).header);
  return headers;
}

function seriesJson(s: AssembledSeries): Record<string, unknown> {
  return {
    studyInstanceUid: s.studyInstanceUid,
    seriesInstanceUid: s.seriesInstanceUid,
    modality: s.modality,
    seriesNumber: s.seriesNumber,
    seriesDescription: s.seriesDescription,
    kind: s.kind,
    columns: s.columns,
    rows: s.rows,
    samplesPerPixel: s.samplesPerPixel,
    images: s.slices.length,
    instances: new Set(s.slices.map((x) => x.sopInstanceUid)).size,
    frameTimeMs: s.frameTimeMs,
    geometry: s.geometry,
    issues: s.issues,
    order: s.slices.map((x) => ({ file: x.file, frame: x.frameIndex, location: x.location })),
  };
}

/** Human-readable summary of one series. */
export function describeSeries(s: AssembledSeries): string {
  const h = s.firstHeader;
  const lines: string[] = [];
  const title = [
    s.modality,
    s.seriesNumber !== undefined ? `#${s.seriesNumber}` : '',
    s.seriesDescription ? `"${s.seriesDescription}"` : '',
  ]
    .filter(Boolean)
    .join(' ');
  lines.push(`Series ${title}`);
  lines.push(`  series UID ${s.seriesInstanceUid}`);
  lines.push(`  study UID  ${s.studyInstanceUid}`);
  const instances = new Set(s.slices.map((x) => x.sopInstanceUid)).size;
  const colour = s.samplesPerPixel === 3 ? 'RGB' : h.photometricInterpretation;
  lines.push(
    `  ${s.slices.length} image(s) in ${instances} instance(s), ${s.columns}x${s.rows} ${colour}, ${h.bitsStored}-bit${h.pixelRepresentation ? ' signed' : ''}`,
  );
  if (s.modality === 'CT') lines.push(`  rescale: HU = ${h.rescaleSlope} x stored + ${h.rescaleIntercept}`);
  const px = s.geometry.pixelSpacing;
  if (px) lines.push(`  pixel spacing ${px[0]} x ${px[1]} mm`);
  if (s.kind === 'volume') {
    const runs = s.geometry.spacingRuns;
    if (s.geometry.uniform && runs.length === 1) {
      lines.push(
        `  slice spacing ${runs[0].normalSpacingMm} mm, uniform${h.sliceThickness ? `, thickness ${h.sliceThickness} mm` : ''}`,
      );
    } else {
      lines.push('  slice spacing NOT uniform:');
      for (const r of runs) {
        lines.push(
          `    slices ${r.fromSlice + 1}-${r.toSlice + 1}: ${r.normalSpacingMm} mm along the normal (table step ${r.stepMm} mm)`,
        );
      }
    }
    lines.push(
      `  gantry tilt ${s.geometry.tiltDeg} deg${s.geometry.headerTiltDeg !== undefined ? ` (header says ${s.geometry.headerTiltDeg})` : ''}`,
    );
  }
  if (s.kind === 'frames' && s.frameTimeMs) {
    lines.push(`  frame sequence at ${s.frameTimeMs} ms/frame (${Math.round(10000 / s.frameTimeMs) / 10} fps)`);
  }
  const acq = h.acquisition;
  const dose = [
    acq.kvp && `${acq.kvp} kVp`,
    acq.tubeCurrentMa && `${acq.tubeCurrentMa} mA`,
    acq.exposureMas && `${acq.exposureMas} mAs`,
    acq.ctdiVol && `CTDIvol ${acq.ctdiVol} mGy`,
    acq.convolutionKernel && `kernel ${acq.convolutionKernel}`,
  ].filter(Boolean);
  if (dose.length) lines.push(`  acquisition: ${dose.join(', ')}`);
  if (s.issues.length === 0) lines.push('  issues: none');
  else for (const i of s.issues) lines.push(`  ! ${i.kind}: ${i.message}`);
  return lines.join('\n');
}

import type { ImageHeader } from '../dicom/ImageHeader.js';
import { pacsError } from '../errors.js';
import type { AssembledSeries, SeriesIssue, SliceRef, SpacingRun } from './AssembledSeries.js';
import { cross, dot, norm, normalize, sub, type Vec3 } from './vec3.js';

export interface AssembleOptions {
  /** Relative difference under which two steps count as equal (default 1 %). */
  spacingTolerance?: number;
  /** Positions closer than this (mm) are duplicates (default 0.01). */
  duplicateToleranceMm?: number;
  /** A step this many times the median step is a gap (default 1.5). */
  gapFactor?: number;
  /** Orientation cosines may differ by this much and still count as one orientation (default 1e-4). */
  orientationTolerance?: number;
}

/**
 * Groups instance headers by SeriesInstanceUID and orders each series along its slice normal (position x
 * orientation), never by file name. Everything unusual about the geometry is reported in `issues` rather than
 * silently corrected: duplicates, gaps, uneven spacing, gantry tilt, mixed sizes or orientations.
 * @throws PACS_ERR_SERIES_EMPTY when no header is given
 */
export function assembleSeries(headers: readonly ImageHeader[], options: AssembleOptions = {}): AssembledSeries[] {
  if (headers.length === 0) throw pacsError('PACS_ERR_SERIES_EMPTY', 'no image instances: expected at least one');
  const groups = new Map<string, ImageHeader[]>();
  for (const h of headers) {
    const g = groups.get(h.seriesInstanceUid);
    if (g) g.push(h);
    else groups.set(h.seriesInstanceUid, [h]);
  }
  return [...groups.values()].map((g) => assembleOne(g, options));
}

function assembleOne(headers: ImageHeader[], o: AssembleOptions): AssembledSeries {
  const tol = o.spacingTolerance ?? 0.01;
  const dupTol = o.duplicateToleranceMm ?? 0.01;
  const gapFactor = o.gapFactor ?? 1.5;
  const oriTol = o.orientationTolerance ?? 1e-4;
  const issues: SeriesIssue[] = [];
  const first = headers[0];
  const byInstance = [...headers].sort(
    (a, b) => (a.instanceNumber ?? 0) - (b.instanceNumber ?? 0) || a.sopInstanceUid.localeCompare(b.sopInstanceUid),
  );
  const sizes = new Set(headers.map((h) => `${h.columns}x${h.rows}x${h.samplesPerPixel}`));
  if (sizes.size > 1) {
    issues.push({
      kind: 'mixed-size',
      message: `instances differ in size: ${[...sizes].join(', ')}`,
      sliceIndices: [],
    });
  }
  const isCine = headers.some((h) => h.numberOfFrames > 1 && h.framePositions.length < h.numberOfFrames);
  const orientation = first.imageOrientationPatient;
  const slices: SliceRef[] = [];
  for (const h of byInstance) {
    for (let f = 0; f < h.numberOfFrames; f++) {
      slices.push({
        file: h.file,
        sopInstanceUid: h.sopInstanceUid,
        frameIndex: f,
        instanceNumber: h.instanceNumber,
        sliceThickness: h.sliceThickness,
        position: h.framePositions[f] ?? (h.numberOfFrames === 1 ? h.framePositions[0] : undefined),
      });
    }
  }
  const base = {
    studyInstanceUid: first.studyInstanceUid,
    seriesInstanceUid: first.seriesInstanceUid,
    modality: first.modality,
    seriesDescription: first.seriesDescription,
    seriesNumber: first.seriesNumber,
    rows: first.rows,
    columns: first.columns,
    samplesPerPixel: first.samplesPerPixel,
    frameTimeMs: first.frameTimeMs,
    firstHeader: first,
  };
  const flat = { tiltDeg: 0, uniform: true, spacingRuns: [], orientation, pixelSpacing: first.pixelSpacing };
  if (isCine || slices.length === 1) {
    return { ...base, kind: slices.length === 1 ? 'single' : 'frames', slices, geometry: flat, issues };
  }
  const mixedOrientation = headers.some(
    (h) =>
      !h.imageOrientationPatient ||
      !orientation ||
      h.imageOrientationPatient.some((v, i) => Math.abs(v - orientation[i]) > oriTol),
  );
  const missing = slices.map((s, i) => (s.position ? -1 : i)).filter((i) => i >= 0);
  if (!orientation || missing.length > 0) {
    issues.push({
      kind: 'missing-position',
      message: `${missing.length || slices.length} slice(s) lack ImagePositionPatient/ImageOrientationPatient: ordered by InstanceNumber`,
      sliceIndices: missing,
    });
    return { ...base, kind: 'volume', slices, geometry: { ...flat, uniform: false }, issues };
  }
  if (mixedOrientation) {
    issues.push({
      kind: 'mixed-orientation',
      message: 'instances differ in ImageOrientationPatient: ordered along the first instance normal',
      sliceIndices: [],
    });
  }
  const normal = normalize(
    cross([orientation[0], orientation[1], orientation[2]], [orientation[3], orientation[4], orientation[5]]),
  );
  const located = slices
    .map((s) => ({ ...s, location: dot(s.position as Vec3, normal) }))
    .sort((a, b) => a.location - b.location || (a.instanceNumber ?? 0) - (b.instanceNumber ?? 0));
  const steps: number[] = [];
  const normalSteps: number[] = [];
  for (let i = 1; i < located.length; i++) {
    steps.push(norm(sub(located[i].position as Vec3, located[i - 1].position as Vec3)));
    normalSteps.push(located[i].location - located[i - 1].location);
  }
  const duplicates = normalSteps.map((d, i) => (d < dupTol ? i : -1)).filter((i) => i >= 0);
  for (const i of duplicates) {
    issues.push({
      kind: 'duplicate-position',
      message: `slices ${i + 1} and ${i + 2} share position ${fmtVec(located[i].position as Vec3)} (${located[i].sopInstanceUid}, ${located[i + 1].sopInstanceUid})`,
      sliceIndices: [i, i + 1],
    });
  }
  const positive = normalSteps.filter((d) => d >= dupTol).sort((a, b) => a - b);
  const median = positive.length ? positive[Math.floor(positive.length / 2)] : 0;
  const runs: SpacingRun[] = [];
  for (let i = 0; i < normalSteps.length; i++) {
    if (normalSteps[i] < dupTol) continue;
    const last = runs[runs.length - 1];
    if (last && last.toSlice === i && Math.abs(normalSteps[i] - last.normalSpacingMm) <= tol * last.normalSpacingMm) {
      runs[runs.length - 1] = { ...last, toSlice: i + 1 };
    } else {
      runs.push({ fromSlice: i, toSlice: i + 1, stepMm: round(steps[i]), normalSpacingMm: round(normalSteps[i]) });
    }
  }
  for (let i = 0; i < normalSteps.length; i++) {
    // Thick slices stepped by their thickness are contiguous, not gapped: judge each step against the thickness
    // of the two slices it joins, and against the median only when thickness is unknown.
    const t0 = located[i].sliceThickness;
    const t1 = located[i + 1].sliceThickness;
    const expected = t0 && t1 ? Math.max(t0, t1) : median;
    if (expected > 0 && normalSteps[i] > gapFactor * expected) {
      const missingCount = Math.max(1, Math.round(normalSteps[i] / expected) - 1);
      issues.push({
        kind: 'gap',
        message: `gap of ${round(normalSteps[i])} mm between slices ${i + 1} and ${i + 2} (expected about ${round(expected)} mm; about ${missingCount} slice(s) missing)`,
        sliceIndices: [i, i + 1],
      });
    }
  }
  const uniform = runs.length <= 1;
  if (!uniform) {
    const text = runs
      .map((r) => `slices ${r.fromSlice + 1}-${r.toSlice + 1}: ${r.normalSpacingMm} mm (step ${r.stepMm} mm)`)
      .join('; ');
    issues.push({
      kind: 'uneven-spacing',
      message: `spacing is not uniform: ${text}`,
      sliceIndices: runs.map((r) => r.fromSlice),
    });
  }
  const stack = normalize(sub(located[located.length - 1].position as Vec3, located[0].position as Vec3));
  const tiltDeg = norm(stack) === 0 ? 0 : round((Math.acos(Math.min(1, Math.abs(dot(stack, normal)))) * 180) / Math.PI);
  const headerTiltDeg = first.gantryDetectorTilt;
  if (tiltDeg > 0.5 || (headerTiltDeg !== undefined && Math.abs(headerTiltDeg) > 0.5)) {
    issues.push({
      kind: 'gantry-tilt',
      message: `slices are stacked ${tiltDeg} deg off their normal (GantryDetectorTilt ${headerTiltDeg ?? 'absent'}): a volume is sheared, not a box`,
      sliceIndices: [],
    });
  }
  return {
    ...base,
    kind: 'volume',
    slices: located,
    geometry: {
      orientation,
      normal,
      pixelSpacing: first.pixelSpacing,
      tiltDeg,
      headerTiltDeg,
      uniform,
      spacingRuns: runs,
    },
    issues,
  };
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}

function fmtVec(v: Vec3): string {
  return v.map((x) => round(x)).join('\\');
}

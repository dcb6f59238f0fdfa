import type { Request } from 'express';
import { serverError } from '../errors.js';
import { checkUid } from '../http/uid.js';

/** The UIDs of a DICOMweb resource path, each checked against the DICOM UID grammar. */
export interface ResourceUids {
  readonly study: string;
  readonly series?: string;
  readonly instance?: string;
}

const PARAMS = { study: 'StudyInstanceUID', series: 'SeriesInstanceUID', instance: 'SOPInstanceUID' } as const;

/**
 * The `:study`, `:series`, `:instance` path parameters of a request, validated. Express has already
 * percent-decoded them, so `..%2F` arrives as `../` and is refused here: nothing but digits and dots reaches the
 * store (whose paths are built from UIDs).
 * @throws SRV_ERR_BAD_REQUEST naming the parameter
 */
export function resourceUids(req: Request): ResourceUids {
  const p = req.params as Record<string, string | undefined>;
  const study = checkUid(p.study, PARAMS.study);
  const series = p.series === undefined ? undefined : checkUid(p.series, PARAMS.series);
  const instance = p.instance === undefined ? undefined : checkUid(p.instance, PARAMS.instance);
  return { study, series, instance };
}

/** The UIDs of a path that are valid UIDs (for the audit log of a refused request: never the raw text). */
export function validUidsOf(req: Request): {
  studyInstanceUid?: string;
  seriesInstanceUid?: string;
  sopInstanceUid?: string;
} {
  const p = req.params as Record<string, string | undefined>;
  const ok = (v: string | undefined): string | undefined =>
    v !== undefined && v.length <= 64 && /^[0-9]+(\.[0-9]+)*$/.test(v) ? v : undefined;
  return { studyInstanceUid: ok(p.study), seriesInstanceUid: ok(p.series), sopInstanceUid: ok(p.instance) };
}

/**
 * A frame list (PS3.18 10.4.1.1.4): comma-separated 1-based frame numbers, e.g. `1,3,5`.
 * @throws SRV_ERR_BAD_REQUEST for anything else
 */
export function frameList(text: string | undefined): number[] {
  const parts = (text ?? '').split(',');
  const frames = parts.map((p) => (/^[1-9][0-9]{0,8}$/.test(p.trim()) ? Number(p.trim()) : NaN));
  if (parts.length === 0 || frames.some((f) => Number.isNaN(f))) {
    throw serverError(
      'SRV_ERR_BAD_REQUEST',
      `frames: expected comma-separated frame numbers >= 1 (e.g. 1,3,5), got ${JSON.stringify(text ?? '').slice(0, 80)}`,
      { field: 'frames' },
    );
  }
  return frames;
}

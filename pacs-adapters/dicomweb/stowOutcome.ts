import type { StoreFailure } from '../pacs/PacsAdapter.js';
import { describeStatus, statusHex } from './dicomStatus.js';
import { items, str, type DicomJsonDataset } from './dicomJson.js';
import { TAG } from './tags.js';

/** What one STOW-RS answer says about the instances of one request. */
export interface StowOutcome {
  readonly stored: string[];
  readonly failed: StoreFailure[];
  readonly warnings: StoreFailure[];
  /** SOPInstanceUIDs the answer names that were not in the request (logged, otherwise ignored). */
  readonly unexpected: string[];
}

/**
 * Reconciles a STOW-RS response (PS3.18 10.5.3: ReferencedSOPSequence 0008,1199 for stored instances, with an
 * optional WarningReason 0008,1196; FailedSOPSequence 0008,1198 with FailureReason 0008,1197) with the
 * SOPInstanceUIDs sent, so every sent instance lands in exactly one of `stored` / `failed`:
 * - named in FailedSOPSequence -> failed (code = the four-hex-digit FailureReason), even if also listed as stored;
 * - named in ReferencedSOPSequence -> stored, and also in `warnings` when it carries a WarningReason;
 * - named nowhere -> failed with PACS_ERR_STORE_PARTIAL, unless the status was 200 and the body had no
 *   per-instance answer at all (`body` undefined): 200 then means "all stored" (PS3.18 Table 10.5.3-1).
 * @param sent - SOPInstanceUIDs in request order
 * @param status - the HTTP status
 * @param body - the parsed response data set, or undefined when there was none (or not DICOM JSON)
 */
export function stowOutcome(
  sent: readonly string[],
  status: number,
  body: DicomJsonDataset | undefined,
  where: string,
): StowOutcome {
  const sentSet = new Set(sent);
  const failedBy = new Map<string, StoreFailure>();
  const storedSet = new Set<string>();
  const warnings: StoreFailure[] = [];
  const unexpected: string[] = [];

  if (body !== undefined) {
    for (const item of items(body, TAG.FailedSOPSequence, where)) {
      const sop = str(item, TAG.ReferencedSOPInstanceUID);
      const hex = statusHex(item[TAG.FailureReason]?.Value?.[0]);
      const failure: StoreFailure = {
        sopInstanceUid: sop,
        code: hex ?? `HTTP ${status}`,
        reason: `the PACS refused it: ${describeStatus(hex)}`,
      };
      // An item without a SOPInstanceUID cannot be tied to a sent instance; that instance stays unnamed below.
      if (sop === undefined) continue;
      if (sentSet.has(sop)) failedBy.set(sop, failure);
      else unexpected.push(sop);
    }
    for (const item of items(body, TAG.ReferencedSOPSequence, where)) {
      const sop = str(item, TAG.ReferencedSOPInstanceUID);
      if (sop === undefined) continue;
      if (!sentSet.has(sop)) {
        unexpected.push(sop);
        continue;
      }
      if (failedBy.has(sop)) continue;
      storedSet.add(sop);
      const hex = statusHex(item[TAG.WarningReason]?.Value?.[0]);
      if (hex !== undefined) {
        warnings.push({ sopInstanceUid: sop, code: hex, reason: `stored with a warning: ${describeStatus(hex)}` });
      }
    }
  }

  const stored: string[] = [];
  const failed: StoreFailure[] = [];
  const allStoredBy200 = status === 200 && body === undefined;
  for (const sop of sent) {
    const f = failedBy.get(sop);
    if (f) failed.push(f);
    else if (storedSet.has(sop) || allStoredBy200) stored.push(sop);
    else {
      failed.push({
        sopInstanceUid: sop,
        code: 'PACS_ERR_STORE_PARTIAL',
        reason: `the PACS answered HTTP ${status} without naming this instance as stored: treat it as not stored`,
      });
    }
  }
  return { stored, failed, warnings, unexpected };
}

import type { InstanceRef } from '../pacs/PacsAdapter.js';
import type { HttpContext } from './HttpContext.js';
import { qidoGet } from './qidoGet.js';
import { uid } from './qidoQuery.js';
import { toInstanceRef } from './toSummaries.js';

/**
 * QIDO-RS instance search of one series (GET {base}/studies/{s}/series/{r}/instances), paged with limit/offset so a
 * PACS that caps its answers still lists everything. Paging stops at a short page, or at a page that adds nothing
 * new (a server that ignores offset). Sorted by InstanceNumber (absent last), then SOPInstanceUID.
 * @throws PACS_ERR_BAD_ATTRIBUTE, and the errors of every QIDO-RS request
 */
export async function listInstances(
  ctx: HttpContext,
  studyInstanceUid: string,
  seriesInstanceUid: string,
  signal?: AbortSignal,
): Promise<InstanceRef[]> {
  const study = uid('studyInstanceUid', studyInstanceUid);
  const series = uid('seriesInstanceUid', seriesInstanceUid);
  const path = `/studies/${study}/series/${series}/instances`;
  const pageSize = ctx.config.qidoPageSize;
  const bySop = new Map<string, InstanceRef>();
  for (let offset = 0; ;) {
    const params = new URLSearchParams({ limit: String(pageSize), offset: String(offset) });
    const page = await qidoGet(ctx, path, params, signal);
    let added = 0;
    page.forEach((ds, i) => {
      const ref = toInstanceRef(ds, study, series, `QIDO-RS instances result ${offset + i}`);
      if (!bySop.has(ref.sopInstanceUid)) {
        bySop.set(ref.sopInstanceUid, ref);
        added++;
      }
    });
    if (page.length < pageSize || added === 0) break;
    offset += page.length;
  }
  return [...bySop.values()].sort(
    (a, b) =>
      (a.instanceNumber ?? Number.POSITIVE_INFINITY) - (b.instanceNumber ?? Number.POSITIVE_INFINITY) ||
      (a.sopInstanceUid < b.sopInstanceUid ? -1 : a.sopInstanceUid > b.sopInstanceUid ? 1 : 0),
  );
}

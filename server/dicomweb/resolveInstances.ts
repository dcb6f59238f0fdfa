import type { InstanceEntry } from '../../pacs-adapters/index.js';
import { serverError } from '../errors.js';
import type { DicomWebContext } from './DicomWebContext.js';
import type { ResourceUids } from './pathParams.js';

/**
 * The stored instances a WADO-RS resource names: a study, a series of that study, or an instance of that series,
 * in store order (series by number, instances by InstanceNumber). A series under another study, or an instance
 * under another series, is not found: the path must name its real parents.
 * @throws SRV_ERR_NOT_FOUND naming the level that is missing
 */
export function resolveInstances(ctx: DicomWebContext, uids: ResourceUids): InstanceEntry[] {
  const { store } = ctx;
  const notFound = (what: string, tag: string, uid: string): Error =>
    serverError('SRV_ERR_NOT_FOUND', `${what} ${uid}: expected a ${what} stored here, got none`, {
      field: what,
      tag,
      [what]: uid,
    });
  if (uids.instance !== undefined) {
    const entry = store.getInstance(uids.instance);
    if (entry === undefined || entry.studyInstanceUid !== uids.study || entry.seriesInstanceUid !== uids.series) {
      throw notFound('SOPInstanceUID', '00080018', uids.instance);
    }
    return [entry];
  }
  if (store.listStudies({ studyInstanceUid: uids.study }).length === 0) {
    throw notFound('StudyInstanceUID', '0020000D', uids.study);
  }
  const series = store.listSeries(uids.study);
  if (uids.series !== undefined) {
    const s = series.find((x) => x.seriesInstanceUid === uids.series);
    if (s === undefined) throw notFound('SeriesInstanceUID', '0020000E', uids.series);
    return store.listInstances(s.seriesInstanceUid);
  }
  const all = series.flatMap((s) => store.listInstances(s.seriesInstanceUid));
  if (all.length === 0) throw notFound('StudyInstanceUID', '0020000D', uids.study);
  return all;
}

/** The URL of an instance resource under a DICOMweb root. */
export function instanceUrl(
  root: string,
  i: Pick<InstanceEntry, 'studyInstanceUid' | 'seriesInstanceUid' | 'sopInstanceUid'>,
): string {
  return `${root}/studies/${i.studyInstanceUid}/series/${i.seriesInstanceUid}/instances/${i.sopInstanceUid}`;
}

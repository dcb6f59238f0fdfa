import type { Request, Response, Router } from 'express';
import { negotiateJson } from './accept.js';
import { audited } from './audited.js';
import { instanceToDicomJson } from './dicomJson.js';
import type { DicomWebContext } from './DicomWebContext.js';
import { writeChunk } from './multipartWriter.js';
import { resourceUids } from './pathParams.js';
import { instanceUrl, resolveInstances } from './resolveInstances.js';

/**
 * WADO-RS metadata (PS3.18 10.4.1.1.2 / 10.4.3.2.2): `GET .../metadata` of a study, series or instance as a DICOM
 * JSON array, one data set per instance with every attribute but the Pixel Data, which is a BulkDataURI
 * (`.../instances/{i}/bulk/7FE00010`). The array is streamed, one instance read at a time.
 */
export function metadataRoutes(router: Router, ctx: DicomWebContext): void {
  for (const path of [
    '/studies/:study/metadata',
    '/studies/:study/series/:series/metadata',
    '/studies/:study/series/:series/instances/:instance/metadata',
  ]) {
    router.get(path, audited(ctx, 'dicomweb.retrieve', metadata));
  }
}

async function metadata(req: Request, res: Response, ctx: DicomWebContext): Promise<void> {
  const started = Date.now();
  const uids = resourceUids(req);
  const instances = resolveInstances(ctx, uids);
  const type = negotiateJson(req);
  const root = ctx.rootUrl(req);
  // The first data set is built before the status is sent, so an unreadable file still gets a JSON error.
  const first = await datasetJson(ctx, root, instances[0]);
  res.status(200).type(type);
  await writeChunk(res, `[${first}`);
  for (const i of instances.slice(1)) await writeChunk(res, `,${await datasetJson(ctx, root, i)}`);
  await writeChunk(res, ']');
  await new Promise<void>((resolve) => res.end(resolve));
  ctx.audit(req, {
    action: 'dicomweb.retrieve',
    studyInstanceUid: uids.study,
    seriesInstanceUid: uids.series,
    sopInstanceUid: uids.instance,
    outcome: 'ok',
    detail: `WADO-RS metadata of ${instances.length} instance(s)`,
  });
  ctx.log.debug({ ...uids, instances: instances.length, ms: Date.now() - started }, 'wado-rs metadata');
}

async function datasetJson(
  ctx: DicomWebContext,
  root: string,
  i: { sopInstanceUid: string; studyInstanceUid: string; seriesInstanceUid: string },
): Promise<string> {
  const bytes = await ctx.store.readInstanceBytes(i.sopInstanceUid);
  return JSON.stringify(instanceToDicomJson(bytes, i.sopInstanceUid, `${instanceUrl(root, i)}/bulk/7FE00010`));
}

import type { Request, Response, Router } from 'express';
import { negotiateDicom } from './accept.js';
import { audited } from './audited.js';
import type { DicomWebContext } from './DicomWebContext.js';
import { MultipartWriter } from './multipartWriter.js';
import { resourceUids } from './pathParams.js';
import { instanceUrl, resolveInstances } from './resolveInstances.js';

/**
 * WADO-RS instance retrieval (PS3.18 10.4): `GET /studies/{s}`, `/studies/{s}/series/{r}`,
 * `/studies/{s}/series/{r}/instances/{i}` as `multipart/related; type="application/dicom"`, one part per
 * instance, each the stored file streamed from disk unchanged (its own transfer syntax; no transcoding).
 */
export function wadoRoutes(router: Router, ctx: DicomWebContext): void {
  for (const path of [
    '/studies/:study',
    '/studies/:study/series/:series',
    '/studies/:study/series/:series/instances/:instance',
  ]) {
    router.get(path, audited(ctx, 'dicomweb.retrieve', retrieve));
  }
}

async function retrieve(req: Request, res: Response, ctx: DicomWebContext): Promise<void> {
  const started = Date.now();
  const uids = resourceUids(req);
  const instances = resolveInstances(ctx, uids);
  negotiateDicom(req, new Set(instances.map((i) => i.transferSyntaxUid)));
  const root = ctx.rootUrl(req);
  const writer = new MultipartWriter(res);
  res.status(200);
  res.set('Content-Type', writer.contentType('application/dicom'));
  let bytes = 0;
  for (const i of instances) {
    bytes += await writer.writeFilePart(
      {
        'Content-Type': `application/dicom; transfer-syntax=${i.transferSyntaxUid}`,
        'Content-Location': instanceUrl(root, i),
      },
      i.path,
    );
  }
  await writer.end();
  ctx.audit(req, {
    action: 'dicomweb.retrieve',
    studyInstanceUid: uids.study,
    seriesInstanceUid: uids.series,
    sopInstanceUid: uids.instance,
    outcome: 'ok',
    detail: `WADO-RS ${instances.length} instance(s), ${bytes} bytes`,
  });
  ctx.log.debug({ ...uids, instances: instances.length, bytes, ms: Date.now() - started }, 'wado-rs retrieve');
}

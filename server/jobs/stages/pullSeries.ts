import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import {
  assembleSeries,
  pacsError,
  parseInstance,
  readInstanceFile,
  type AssembledSeries,
  type ImageHeader,
  type LocalStore,
} from '../../../pacs-adapters/index.js';
import type { JobContext } from './JobContext.js';

/** The series of a job, assembled, with the file of each instance (read again on demand, never held whole). */
export interface PulledSeries {
  readonly series: AssembledSeries;
  /** SOPInstanceUID -> file. */
  readonly files: ReadonlyMap<string, string>;
  readonly instances: number;
}

/** What pulling needs: the embedded service passes its store; a queue worker has none and reads `source`. */
export type PullContext = Pick<JobContext, 'job' | 'jobDir' | 'sourceId' | 'source' | 'signal'> & {
  readonly store?: LocalStore;
};

/**
 * Stage 1: gets the source series onto local disk and assembles it. From 'local' the store's files are read in
 * place (never written); from any other source (and from 'local' in a worker, through the server's DICOMweb) `retrieveSeries` is streamed into `<jobDir>/input/` one instance at a
 * time. Only headers stay in memory.
 * @throws PACS_ERR_SERIES_EMPTY when the source returns no instance of the series; every error of the adapter and
 *   of parsing
 */
export async function pullSeries(_input: undefined, ctx: PullContext): Promise<PulledSeries> {
  const { studyInstanceUid: study, seriesInstanceUid: uid } = ctx.job.spec;
  const headers: ImageHeader[] = [];
  const files = new Map<string, string>();
  if (ctx.sourceId === 'local' && ctx.store) {
    for (const entry of ctx.store.listInstances(uid)) {
      if (entry.studyInstanceUid !== study) continue;
      ctx.signal.throwIfAborted();
      const inst = await readInstanceFile(entry.path);
      headers.push(inst.header);
      files.set(inst.header.sopInstanceUid, entry.path);
    }
  } else {
    const dir = path.join(ctx.jobDir, 'input');
    await mkdir(dir, { recursive: true });
    let n = 0;
    for await (const got of ctx.source.retrieveSeries(study, uid, ctx.signal)) {
      const file = path.join(dir, `${String(n++).padStart(6, '0')}.dcm`);
      await writeFile(file, got.bytes);
      const inst = parseInstance(got.bytes, file);
      headers.push(inst.header);
      files.set(inst.header.sopInstanceUid, file);
    }
  }
  const series = headers.length > 0 ? assembleSeries(headers).find((s) => s.seriesInstanceUid === uid) : undefined;
  if (!series) {
    throw pacsError(
      'PACS_ERR_SERIES_EMPTY',
      `source ${ctx.sourceId}: series ${uid} of study ${study}: expected image instances, got none`,
      { seriesInstanceUid: uid, studyInstanceUid: study },
    );
  }
  return { series, files, instances: files.size };
}

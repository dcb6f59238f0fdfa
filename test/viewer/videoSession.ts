import { createLogger } from '../../common/index.js';
import { loadServerConfig, startServer, type RunningServer } from '../../server/index.js';
import type { RunningOrthanc } from '../helpers/orthanc.js';
import { freePort } from './browser.js';
import { join } from 'node:path';

/** A server serving the built viewer, the tiny pack on CPU, with `orthanc` as the source 'pacs' (push-back on). */
export async function startServerWithOrthanc(
  dir: string,
  token: string,
  orthanc: RunningOrthanc,
): Promise<RunningServer> {
  const port = await freePort();
  const sources = [
    {
      id: 'pacs',
      kind: 'dicomweb',
      baseUrl: orthanc.dicomWebUrl,
      auth: { kind: 'basic', username: orthanc.username, password: orthanc.password },
      pushBack: true,
    },
  ];
  const config = loadServerConfig(
    { data: dir, port, demo: false, device: 'cpu', pack: join(process.cwd(), 'models/packs/tiny-test') },
    {
      GSDIFF_TOKEN: token,
      GSDIFF_CORS_ORIGINS: `http://127.0.0.1:${port}`,
      GSDIFF_SOURCES: JSON.stringify(sources),
    },
  );
  if (!config.viewerDir) throw new Error('viewer e2e: expected viewer/dist to be served, got no viewerDir');
  return startServer(config, { logger: createLogger('silent'), version: 'test' });
}

/** Orthanc's stored file of the only instance of a series (looked up by SeriesInstanceUID). */
export async function orthancSeriesFile(orthanc: RunningOrthanc, seriesInstanceUid: string): Promise<Uint8Array> {
  const found = await orthanc.rest<{ ID: string; Type: string }[]>('/tools/lookup', {
    method: 'POST',
    body: seriesInstanceUid,
  });
  const id = found.find((f) => f.Type === 'Series')?.ID;
  if (!id) throw new Error(`Orthanc: expected series ${seriesInstanceUid}, got ${JSON.stringify(found)}`);
  const series = await orthanc.rest<{ Instances: string[] }>(`/series/${id}`);
  if (series.Instances.length !== 1)
    throw new Error(`Orthanc series ${seriesInstanceUid}: expected 1 instance, got ${series.Instances.length}`);
  const res = await fetch(`${orthanc.httpUrl}/instances/${series.Instances[0]}/file`, {
    headers: { authorization: orthanc.authHeader },
  });
  if (!res.ok) throw new Error(`Orthanc instance file: HTTP ${res.status}`);
  return new Uint8Array(await res.arrayBuffer());
}

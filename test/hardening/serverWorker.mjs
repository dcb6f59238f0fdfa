// Child process of the crash-anywhere test: the BUILT server (dist/, what `gsdiff serve` runs) on a data folder, with
// a PACS source. Prints one JSON line per event on stdout; pino goes to stderr (the test scans it for PHI).
// Usage: node serverWorker.mjs <distDir> <dataDir> <sourcesJson> [submit <study> <series> | watch <jobId>]
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const [distDir, dataDir, sources, mode, a, b] = process.argv.slice(2);
const load = (rel) => import(pathToFileURL(join(distDir, rel)).href);
const { loadServerConfig, startServer } = await load('server/index.js');
const { createLogger } = await load('common/index.js');

const say = (o) => process.stdout.write(`${JSON.stringify(o)}\n`);
const config = loadServerConfig(
  { data: dataDir, port: 0, demo: false, device: 'cpu' },
  { GSDIFF_TOKEN: 'crash-anywhere-token-0123456789', GSDIFF_SOURCES: sources },
);
const running = await startServer(config, { logger: createLogger('debug', process.stderr), version: 'crash-test' });
let id = a;
if (mode === 'submit') {
  const res = await fetch(`${running.url}/api/jobs`, {
    method: 'POST',
    headers: { authorization: `Bearer ${config.token}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      source: 'pacs',
      studyInstanceUid: a,
      seriesInstanceUid: b,
      task: 'denoise',
      steps: 1,
      pushBack: true,
    }),
  });
  if (res.status !== 201) throw new Error(`POST /api/jobs: ${res.status} ${await res.text()}`);
  id = (await res.json()).id;
}
say({ type: 'ready', url: running.url, id, pid: process.pid });
const report = (job) => say({ type: 'job', state: job.state, stage: job.stage ?? null, attempts: job.attempts });
const now = running.jobs.get(id);
if (now) report(now);
running.jobs.subscribe(id, (ev) => {
  if (ev.type === 'frame') say({ type: 'frame', index: ev.index, done: ev.done, total: ev.total });
  else if (ev.type === 'job') report(ev.job);
});
process.on('SIGTERM', () => void running.close().then(() => process.exit(0)));

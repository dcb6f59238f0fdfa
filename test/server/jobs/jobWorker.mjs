// Child process of the SIGKILL crash test: runs the BUILT JobService (dist/) on a data folder, submits one job for
// the given series and reports on stdout, one JSON line per event, until it is killed.
// Usage: node jobWorker.mjs <distDir> <dataDir> <packDir> <studyUid> <seriesUid>
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const [distDir, dataDir, packDir, study, series] = process.argv.slice(2);
const load = (rel) => import(pathToFileURL(join(distDir, rel)).href);
const { JobService } = await load('server/jobs/index.js');
const { LocalStore } = await load('pacs-adapters/index.js');
const { createLogger } = await load('common/index.js');

const say = (o) => process.stdout.write(`${JSON.stringify(o)}\n`);
const store = await LocalStore.open(join(dataDir, 'store'));
const jobs = await JobService.open({
  dataDir,
  store,
  sources: new Map(),
  packDir,
  device: 'cpu',
  cpuConcurrency: 1,
  logger: createLogger('silent'),
  audit: { record: () => undefined },
  defaultSteps: 1,
  softwareVersion: 'crash-test',
});
const job = await jobs.submit(
  { sourceId: 'local', studyInstanceUid: study, seriesInstanceUid: series, task: 'auto' },
  'crash-test',
);
say({ type: 'submitted', id: job.id, pid: process.pid });
jobs.subscribe(job.id, (ev) => {
  if (ev.type === 'frame') say({ type: 'frame', index: ev.index, done: ev.done, total: ev.total });
  else if (ev.type === 'job') say({ type: 'job', state: ev.job.state, stage: ev.job.stage ?? null });
});

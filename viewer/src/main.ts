import { ApiClient } from './api.js';
import { App } from './app.js';
import { initCornerstone } from './cornerstone.js';
import { byId } from './dom.js';
import { describeError } from './errors.js';
import { JobPanel } from './jobPanel.js';
import { attachPaneInfo } from './paneInfo.js';
import { Review } from './review.js';
import { StudyBrowser } from './studyBrowser.js';
import { EventLog, installTestHook } from './testHook.js';
import { TokenStore } from './token.js';
import { Toolbar } from './toolbar.js';
import './styles.css';

/**
 * Boots the viewer: token (sessionStorage, or `#token=` in the address), Cornerstone, the review panes, the study
 * browser, the job launcher and list, and `window.__gsdiff` for tests.
 */
async function main(): Promise<void> {
  const tokens = new TokenStore(sessionStorage);
  tokens.takeFromHash(window.location, window.history);
  const api = new ApiClient(() => tokens.get(), window.location.origin);
  const statusLine = byId('status', HTMLElement);
  const status = (text: string, kind: 'info' | 'error' = 'info'): void => {
    statusLine.textContent = text;
    statusLine.dataset.kind = kind;
  };

  const { streams, differences } = initCornerstone(() => api.authorization());
  const review = new Review(
    { original: byId('vp-original', HTMLDivElement), restored: byId('vp-restored', HTMLDivElement) },
    streams,
    differences,
  );
  new ResizeObserver(() => review.resize()).observe(byId('panes', HTMLElement));
  const log = new EventLog();
  const restoredEmpty = byId('restored-empty', HTMLElement);
  const restoredPending = byId('restored-pending', HTMLElement);
  const jobInfo = byId('job-info', HTMLElement);
  const app: App = new App(api, review, streams, {
    status,
    frame: (jobId, frame, imageId) => {
      jobInfo.textContent = `streaming ${frame.header.done}/${frame.header.total}`;
      log.record('frame', { job: jobId, index: frame.header.index, imageId });
    },
    jobChanged: (job) => {
      jobInfo.textContent = job
        ? `job ${job.id.slice(0, 8)} · ${job.state} · ${job.progress.done}/${job.progress.total}`
        : '';
    },
    restoredEmpty: (empty) => {
      restoredEmpty.hidden = !empty;
    },
    record: (event, detail) => log.record(event, detail),
  });
  // A restored slice whose frame has not arrived: cover the pane (it still shows the previous image).
  const showPending = (): void => {
    const slice = review.pendingSlice();
    restoredPending.hidden = slice === undefined;
    if (slice === undefined) return;
    const job = app.job;
    const ended = job && (job.state === 'failed' || job.state === 'cancelled');
    restoredPending.textContent = ended
      ? `Slice ${slice + 1}: not restored (job ${job.state})`
      : `Slice ${slice + 1}: waiting for its restored frame (${app.framesReceived}/${job?.progress.total || '?'} frames so far)`;
  };
  review.onPendingChange = () => {
    log.record('pending', { slice: review.pendingSlice() ?? null });
    showPending();
  };
  attachPaneInfo(review, 'original', byId('info-original', HTMLElement));
  attachPaneInfo(review, 'restored', byId('info-restored', HTMLElement), () => {
    const s = review.current;
    return s.source === 'none' ? '' : s.source === 'stream' ? 'streamed frames' : 'stored derived series';
  });
  new Toolbar(review, {
    presets: byId('presets', HTMLElement),
    sync: {
      slice: byId('sync-slice', HTMLInputElement),
      voi: byId('sync-voi', HTMLInputElement),
      camera: byId('sync-camera', HTMLInputElement),
    },
    mode: byId('mode', HTMLSelectElement),
    differenceRange: byId('diff-range', HTMLSelectElement),
    differenceScale: byId('diff-scale', HTMLElement),
    restoredLabel: byId('derived-label', HTMLElement),
  });

  const jobs = new JobPanel(
    api,
    {
      form: byId('job-form', HTMLFormElement),
      task: byId('job-task', HTMLSelectElement),
      steps: byId('job-steps', HTMLInputElement),
      submit: byId('job-submit', HTMLButtonElement),
      target: byId('job-target', HTMLElement),
      message: byId('job-message', HTMLElement),
      list: byId('job-list', HTMLUListElement),
    },
    (launch) => app.launch(launch),
    (job) => void app.openJob(job).catch((e: unknown) => status(describeError(e), 'error')),
  );
  const browser = new StudyBrowser(
    api,
    {
      studies: byId('study-list', HTMLUListElement),
      series: byId('series-list', HTMLUListElement),
      refresh: byId('studies-refresh', HTMLButtonElement),
    },
    (series) => {
      jobs.setTarget(
        `${series.seriesDescription || series.seriesInstanceUid} (${series.numberOfInstances ?? '?'} images)`,
      );
      void app.openSeries(series).catch(() => undefined);
    },
    (message) => status(message, 'error'),
  );

  const tokenInput = byId('token-input', HTMLInputElement);
  const tokenState = byId('token-state', HTMLElement);
  const start = async (): Promise<void> => {
    tokenState.textContent = tokens.get() ? 'token set' : 'no token';
    if (!tokens.get()) {
      status('Enter the access token (printed by `gsdiff serve`, or in <data>/token)', 'error');
      return;
    }
    await browser.refresh();
    jobs.startPolling();
  };
  byId('token-form', HTMLFormElement).addEventListener('submit', (e) => {
    e.preventDefault();
    if (!tokenInput.value.trim()) return;
    tokens.set(tokenInput.value);
    tokenInput.value = '';
    status('');
    void start();
  });
  installTestHook(app, review, log);
  await start();
}

main().catch((e: unknown) => {
  const el = document.getElementById('status');
  if (el) {
    el.textContent = `The viewer failed to start: ${describeError(e)}`;
    el.dataset.kind = 'error';
  }
  console.error(e);
});

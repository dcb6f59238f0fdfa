import type { SeriesSummary } from '../../wire/index.js';
import { ApiClient } from './api.js';
import { App } from './app.js';
import { Cine } from './cine.js';
import { CineControls } from './cineControls.js';
import { initCornerstone } from './cornerstone.js';
import { byId } from './dom.js';
import { describeError } from './errors.js';
import { Flicker } from './flicker.js';
import { FlickerControls } from './flickerControls.js';
import { jobLineText } from './jobLine.js';
import { JobPanel } from './jobPanel.js';
import { JobProgressStore, progressText } from './jobProgress.js';
import { attachShortcuts, renderShortcutHelp } from './keyboard.js';
import { MeasurementPanel } from './measurementPanel.js';
import { Measurements } from './measurements.js';
import { attachPaneInfo } from './paneInfo.js';
import { CT_PRESETS } from './presets.js';
import { Review } from './review.js';
import { StudyBrowser } from './studyBrowser.js';
import { EventLog, installTestHook } from './testHook.js';
import { seriesCountText } from './seriesCount.js';
import { TokenStore, watchHashToken } from './token.js';
import { Toolbar } from './toolbar.js';
import './styles.css';

/**
 * Boots the viewer: token (sessionStorage, or `#token=` in the address), Cornerstone, the review panes, the cine
 * player, flicker, mirrored measurements, keyboard shortcuts, the study browser, the job launcher and list, and
 * `window.__gsdiff` for tests.
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
  // One count of the reviewed job's progress for the toolbar, the job list, the pane cover and the footer.
  const progress = new JobProgressStore();
  const renderJobLine = (): void => {
    jobInfo.textContent = jobLineText(app.job, progress.get(app.job?.id));
  };
  const app: App = new App(api, review, streams, progress, {
    status,
    frame: (jobId, frame, imageId) => {
      log.record('frame', { job: jobId, index: frame.header.index, imageId });
    },
    jobChanged: () => renderJobLine(),
    restoredEmpty: (empty) => {
      restoredEmpty.hidden = !empty;
    },
    record: (event, detail) => log.record(event, detail),
  });
  // A video or capsule sequence is frames in time: the reader counts frames, not slices.
  const imageNoun = (): string => (review.originalStack?.timeSequence ? 'Frame' : 'Slice');
  const unit = (): string => (review.originalStack?.timeSequence ? 'frame' : '');
  // A restored slice whose frame has not arrived, or no restored slice at the original's position: cover the pane
  // (it still shows the previous image, which would be misleading next to the original).
  const showCover = (): void => {
    const slice = review.pendingSlice();
    const unpaired = review.unpairedSlice();
    restoredPending.hidden = slice === undefined && unpaired === undefined;
    if (unpaired !== undefined) {
      const position = review.originalStack?.frames[unpaired]?.position;
      restoredPending.dataset.cover = 'unpaired';
      restoredPending.textContent =
        `Slice ${unpaired + 1}: no restored slice at this position` +
        (position === undefined ? '' : ` (${position.toFixed(1)} mm)`) +
        ' — the derived series has other slices; scroll to a paired one';
      return;
    }
    if (slice === undefined) return;
    const job = app.job;
    const ended = job && (job.state === 'failed' || job.state === 'cancelled');
    restoredPending.dataset.cover = 'pending';
    restoredPending.textContent = ended
      ? `${imageNoun()} ${slice + 1}: not restored (job ${job.state})`
      : `${imageNoun()} ${slice + 1}: waiting for its restored frame (${progressText(progress.get(job?.id))} frames so far)`;
  };
  review.on('cover', () => {
    log.record('pending', { slice: review.pendingSlice() ?? null, unpaired: review.unpairedSlice() ?? null });
    showCover();
  });
  attachPaneInfo(review, 'original', byId('info-original', HTMLElement), { unit });
  const restoredInfo = attachPaneInfo(review, 'restored', byId('info-restored', HTMLElement), {
    extra: () => {
      const s = review.current;
      if (s.source === 'none') return '';
      const strength = app.job?.spec.strength;
      const source =
        s.source === 'stream' ? `streaming ${progressText(progress.get(app.job?.id))}` : 'stored derived series';
      return [source, strength && `strength ${strength}`].filter(Boolean).join(' · ');
    },
    // The viewport still holds the previous stack until the new one is set (a new series, a first frame on its way).
    current: () => review.restoredCurrent(),
    unit,
  });
  progress.onChange((jobId) => {
    if (jobId !== app.job?.id) return;
    renderJobLine();
    showCover();
    restoredInfo();
  });
  const toolbar = new Toolbar(review, {
    presets: byId('presets', HTMLElement),
    tools: byId('left-tools', HTMLElement),
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

  // Flicker: the restored pane alternates original / restored; the difference mode and flicker exclude each other.
  const flicker = new Flicker(review, () => toolbar.setMode('restored'));
  const flickerControls = new FlickerControls(flicker, {
    toggle: byId('flicker-toggle', HTMLButtonElement),
    period: byId('flicker-period', HTMLInputElement),
    rate: byId('flicker-rate', HTMLElement),
    badge: byId('flicker-badge', HTMLElement),
  });
  flicker.onChange = (state) => flickerControls.render(state);

  // Cine: both panes one frame on per 1 / rate seconds (the restored pane follows through Review.step).
  const cine = new Cine(async (wrap) => {
    const started = performance.now();
    const moved = await review.step(1, wrap);
    if (moved) {
      const r = review.viewport('restored');
      log.record('cine-frame', {
        // The panes' own time for this frame: the e2e tests judge the pacing against it, not against the machine.
        stepMs: Math.round(performance.now() - started),
        original: review.viewport('original').getCurrentImageIdIndex(),
        restored: r.getImageIds().length > 0 ? r.getCurrentImageIdIndex() : null,
        restoredImageId: r.getCurrentImageId() ?? null,
      });
    }
    return moved;
  });
  const cineControls = new CineControls(cine, {
    play: byId('cine-play', HTMLButtonElement),
    speed: byId('cine-speed', HTMLSelectElement),
    loop: byId('cine-loop', HTMLInputElement),
    rate: byId('cine-rate', HTMLElement),
  });
  cine.onChange = (state) => cineControls.render(state);
  review.on('original', () => {
    const stack = review.originalStack;
    if (stack) cine.setRate(stack.frameRate);
  });

  // Measurements mirrored on both panes, and their list.
  const measurements = new Measurements(review);
  measurements.attach();
  const measurementPanel = new MeasurementPanel(measurements, review, {
    list: byId('measurement-list', HTMLUListElement),
    clear: byId('measurements-clear', HTMLButtonElement),
  });
  measurements.onChange = (list) => {
    measurementPanel.render(list);
    log.record('measurements', { count: list.length });
  };

  // Keyboard shortcuts and their help.
  const help = byId('help', HTMLDivElement);
  renderShortcutHelp(byId('help-keys', HTMLTableElement));
  const showHelp = (show = help.hidden): void => {
    help.hidden = !show;
  };
  byId('help-button', HTMLButtonElement).addEventListener('click', () => showHelp(true));
  byId('help-close', HTMLButtonElement).addEventListener('click', () => showHelp(false));
  attachShortcuts(document, {
    playPause: () => cine.toggle(),
    step: (delta) => void review.step(delta),
    first: () => void review.goTo(0),
    last: () => void review.goTo(Number.MAX_SAFE_INTEGER),
    preset: (i) => {
      const preset = CT_PRESETS[i];
      if (preset && !review.current.color) review.applyPreset(preset);
    },
    toggleDifference: () => void toolbar.setMode(review.current.mode === 'difference' ? 'restored' : 'difference'),
    toggleFlicker: () => void flicker.toggle(),
    toggleSliceSync: () => toolbar.toggleSync('slice'),
    tool: (tool) => toolbar.setTool(tool),
    speed: (direction) => cineControls.stepSpeed(direction),
    removeLastMeasurement: () => {
      const last = measurements.list().at(-1);
      if (last) measurements.remove(last.id);
    },
    help: (show) => showHelp(show),
  });

  const jobs = new JobPanel(
    api,
    {
      form: byId('job-form', HTMLFormElement),
      task: byId('job-task', HTMLSelectElement),
      strength: byId('job-strength', HTMLSelectElement),
      steps: byId('job-steps', HTMLInputElement),
      submit: byId('job-submit', HTMLButtonElement),
      target: byId('job-target', HTMLElement),
      message: byId('job-message', HTMLElement),
      list: byId('job-list', HTMLUListElement),
    },
    progress,
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
      jobs.setTarget(targetLabel(series));
      void app.openSeries(series).catch(() => undefined);
    },
    (message) => status(message, 'error'),
  );
  // Whatever opened the series on screen (a pick, or Review in the job list), the browser and the launcher show it.
  review.on('original', () => {
    const selected = app.selection;
    if (!selected) return;
    void browser.select(selected.studyInstanceUid, selected.seriesInstanceUid).then((series) => {
      if (series && app.selection?.seriesInstanceUid === series.seriesInstanceUid) jobs.setTarget(targetLabel(series));
    });
  });

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
  // A `#token=` added to the address of this open tab (the banner's link pasted over it) takes effect at once.
  watchHashToken(window, window.location, window.history, tokens, () => {
    status('');
    void start();
  });
  installTestHook(app, review, log, { cine, measurements, flicker });
  await start();
}

/** The launcher's line about the series it would restore. */
function targetLabel(series: SeriesSummary): string {
  return `${series.seriesDescription || series.seriesInstanceUid} (${seriesCountText(series)})`;
}

main().catch((e: unknown) => {
  const el = document.getElementById('status');
  if (el) {
    el.textContent = `The viewer failed to start: ${describeError(e)}`;
    el.dataset.kind = 'error';
  }
  console.error(e);
});

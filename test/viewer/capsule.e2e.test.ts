import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { newUid } from '../../pacs-adapters/index.js';
import type { RunningServer } from '../../server/index.js';
import { haveChromium } from './browser.js';
import {
  countIn,
  events,
  openSeries,
  restoreAndWait,
  seriesContext,
  sleep,
  state,
  stats,
  startCounterSampling,
  stopCounterSampling,
  storeCtPhantom,
  storeEndoscopy,
  until,
  type HookEvent,
  reportConsoleErrors,
  startViewerSession,
  stopViewerSession,
  VIEWER_ARTIFACTS,
  dragZoomAndPan,
} from './harness.js';

const ARTIFACTS = VIEWER_ARTIFACTS;
const TOKEN = 'viewer-capsule-token-0123456789';
const FRAMES = 12;
const SIZE = 64;
const FRAME_TIME_MS = 125;
const CT_SLICES = 12;

const describeIfChromium = haveChromium() ? describe : describe.skip;

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
};

/**
 * The pacing of played cine frames: the median gap between them, and the median of what each gap spent beyond the
 * frame time or the panes' own time for that frame, whichever was longer (the scheduler's own delay; a loaded machine
 * slows the panes, which this does not count against it).
 */
function pacing(frames: HookEvent[], intervalMs: number): { gap: number; added: number; stepMs: number } {
  const gaps = frames.slice(1).map((f, i) => f.t - frames[i].t);
  const added = frames.slice(1).map((f, i) => gaps[i] - Math.max(intervalMs, f.stepMs ?? 0));
  return { gap: median(gaps), added: median(added), stepMs: median(frames.map((f) => f.stepMs ?? 0)) };
}

/** The cine frames logged after the event log had `from` entries. */
async function cineFrames(page: Page, from: number): Promise<HookEvent[]> {
  return (await events(page)).slice(from).filter((e) => e.event === 'cine-frame');
}

/** Plays until `count` more frames were shown (Space), pauses (Space), and returns them. */
async function play(page: Page, count: number): Promise<HookEvent[]> {
  const from = (await events(page)).length;
  await page.keyboard.press(' ');
  await until(page, 'cine playing', async () => (await state(page)).cine.playing);
  await until(page, `${count} cine frames`, async () => (await cineFrames(page, from)).length >= count, 30_000);
  await page.keyboard.press(' ');
  await until(page, 'cine paused', async () => !(await state(page)).cine.playing);
  return cineFrames(page, from);
}

/**
 * Capsule-endoscopy review: a multi-frame RGB sequence (FrameTime 125 ms) on a real server, restored by a 1-step
 * deblur job, then played in cine with both panes in lockstep.
 */
describeIfChromium('viewer cine and capsule review (Chromium, real server)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gsdiff-viewer-capsule-'));
  const study = newUid();
  const series = newUid();
  const ctStudy = newUid();
  const ctSeries = newUid();
  let running: RunningServer;
  let browser: Browser;
  let page: Page;
  const consoleErrors: string[] = [];

  beforeAll(async () => {
    ({ running, browser, page } = await startViewerSession(
      dir,
      TOKEN,
      async (running) => {
        const ctx = seriesContext({
          studyInstanceUid: study,
          seriesInstanceUid: series,
          studyDescription: 'viewer capsule sequence',
          seriesDescription: 'endoscopy-like sequence with motion blur',
        });
        await storeEndoscopy(running.store, ctx, { frames: FRAMES, size: SIZE, frameTimeMs: FRAME_TIME_MS });
        const ct = seriesContext({
          studyInstanceUid: ctStudy,
          seriesInstanceUid: ctSeries,
          studyDescription: 'viewer capsule: a CT next to it',
          seriesDescription: 'low dose phantom',
        });
        await storeCtPhantom(running.store, ct, { slices: CT_SLICES, size: SIZE });
      },
      consoleErrors,
    ));
  }, 120_000);

  afterAll(() => stopViewerSession({ browser, running }, dir));
  afterEach(() => reportConsoleErrors(consoleErrors));

  it('shows the RGB sequence in colour, with the cine rate from its FrameTime', async () => {
    const s = await openSeries(page, study, series, FRAMES);
    expect(s.review.color).toBe(true);
    expect(s.panes.original.imageId).toMatch(/^wadors:.*\/frames\/\d+$/);
    expect(s.cine.rate).toEqual({ fps: 1000 / FRAME_TIME_MS, source: 'FrameTime' });
    expect(s.cine.playing).toBe(false);
    expect(await page.textContent('#cine-rate')).toBe('8.0 fps (FrameTime 125 ms)');
    const canvas = await stats(page, 'original');
    expect(canvas.colored).toBeGreaterThan(canvas.width * canvas.height * 0.05);
    // CT presets do not apply to colour images.
    expect(await page.isDisabled('#presets button[data-preset="lung"]')).toBe(true);
  });

  it('keeps zoom and pan per series: a series opens fitted unless it was zoomed before, then as it was left', async () => {
    await openSeries(page, ctStudy, ctSeries, CT_SLICES);
    // A drag down zooms in.
    const ct = await dragZoomAndPan(page, 'original', -90, 40);
    expect(ct.zoom).toBeGreaterThan(1.5);

    // The capsule sequence was never zoomed: fitted to the pane, not the CT's zoom.
    let s = await openSeries(page, study, series, FRAMES);
    expect(s.panes.original.zoom).toBeCloseTo(1, 3);
    expect(s.panes.original.pan[0]).toBeCloseTo(0, 3);
    expect(s.panes.original.pan[1]).toBeCloseTo(0, 3);
    const capsule = await dragZoomAndPan(page, 'original', 40, -30);
    expect(Math.abs(capsule.zoom - ct.zoom)).toBeGreaterThan(0.2);

    // Each comes back as the reader left it.
    s = await openSeries(page, ctStudy, ctSeries, CT_SLICES);
    expect(s.panes.original.zoom).toBeCloseTo(ct.zoom, 3);
    expect(s.panes.original.pan[0]).toBeCloseTo(ct.pan[0], 1);
    expect(s.panes.original.pan[1]).toBeCloseTo(ct.pan[1], 1);
    s = await openSeries(page, study, series, FRAMES);
    expect(s.panes.original.zoom).toBeCloseTo(capsule.zoom, 3);
    expect(s.panes.original.pan[0]).toBeCloseTo(capsule.pan[0], 1);
  });

  it('streams a capsule job after a CT review with one progress count, its own footer, from the first frame', async () => {
    // A CT restored and reviewed in the lung window first.
    await openSeries(page, ctStudy, ctSeries, CT_SLICES);
    await restoreAndWait(page, 'denoise', 1);
    await page.click('#presets button[data-preset="lung"]');
    const ctZoom = (await state(page)).panes.restored.zoom;
    expect(await page.textContent('#info-restored')).toContain('W 1500 / L -600 · stored derived series');

    // Then the capsule sequence, restored while every count the page shows is sampled at each animation frame.
    const opened = await openSeries(page, study, series, FRAMES);
    expect(opened.panes.original.targetImageIdIndex).toBe(FRAMES / 2);
    const from = (await events(page)).length;
    await startCounterSampling(page);
    const derived = await restoreAndWait(page, 'deblur', 1);
    await sleep(200);
    const samples = (await stopCounterSampling(page)).filter((x) => x.job === derived.job?.id);
    const streaming = samples.filter((x) => x.restoredSource === 'stream');
    const counts = [...new Set(samples.map((x) => countIn(x.toolbar, /(?:streaming | · )/)))];
    console.log(
      `capsule stream: ${samples.length} samples (${streaming.length} streaming), counts ${counts.join(' ')}`,
    );
    expect(streaming.length).toBeGreaterThan(0);
    const disagreeing = samples.filter((x) => {
      const counts = [
        countIn(x.toolbar, /(?:streaming | · )/),
        countIn(x.list, /^/),
        countIn(x.cover, /\(/),
        x.restoredSource === 'stream' ? countIn(x.footer, /streaming /) : undefined,
      ].filter((c) => c !== undefined);
      return new Set(counts).size > 1;
    });
    expect(disagreeing.slice(0, 3)).toEqual([]);
    // Every sample shows a count in the toolbar, and the cover never says it does not know the total.
    expect(samples.filter((x) => !countIn(x.toolbar, /(?:streaming | · )/)).slice(0, 3)).toEqual([]);
    expect(samples.filter((x) => x.cover?.includes('/?')).slice(0, 3)).toEqual([]);
    // While streaming, the restored pane's footer is this stream's: "streaming n/N", never the CT's window and
    // "stored derived series".
    for (const x of streaming) {
      expect(x.footer).not.toContain('stored derived series');
      expect(x.footer).not.toContain('L -600');
    }
    expect(streaming.some((x) => /streaming \d+\/12/.test(x.footer))).toBe(true);
    // The pane starts on what arrives first (frame 1), not covered on the middle frame.
    const log = (await events(page)).slice(from);
    const pending = log.filter((e) => e.event === 'pending' && typeof e.slice === 'number');
    expect(pending.map((e) => e.slice).filter((i) => i !== 0)).toEqual([]);
    const firstStreamed = log.find((e) => e.event === 'restored-rendered' && e.scheme === 'gsdiff-stream');
    expect(firstStreamed?.index).toBe(0);
    // The capsule pair has its own camera (fitted or its own), not the CT's.
    expect(derived.panes.restored.zoom).toBeCloseTo(derived.panes.original.zoom, 4);
    expect(Math.abs(derived.panes.restored.zoom - ctZoom)).toBeGreaterThan(0.2);
    expect(await page.textContent('#info-restored')).toContain('stored derived series');
  });

  it('plays both panes in lockstep at the series rate, loops, pauses, and stops at the end without loop', async () => {
    const derived = await until(page, 'the derived capsule sequence', async () => {
      const s = await state(page);
      return s.review.source === 'derived' && s.review.originalSeries === series ? s : undefined;
    });
    expect(derived.panes.restored.images).toBe(FRAMES);
    expect(derived.review.pairing).toBe('index');
    const right = await until(page, 'the restored sequence rendered', async () => {
      const c = await stats(page, 'restored');
      return c.nonBlank > 0 ? c : undefined;
    });
    expect(right.colored).toBeGreaterThan(0);

    // 1x: 8 frames/s from FrameTime; more than one loop through the 12 frames.
    const frames = await play(page, FRAMES + 4);
    for (const f of frames) {
      expect(f.restored).toBe(f.original);
      expect(f.restoredImageId).toMatch(/^wadors:/);
    }
    for (let i = 1; i < frames.length; i++) expect(frames[i].original).toBe((frames[i - 1].original! + 1) % FRAMES);
    expect(frames.some((f, i) => i > 0 && f.original === 0 && frames[i - 1].original === FRAMES - 1)).toBe(true);
    const slow = pacing(frames, FRAME_TIME_MS);
    console.log(
      `cine 1x: median ${slow.gap} ms between frames (FrameTime ${FRAME_TIME_MS} ms; the panes took ${slow.stepMs} ms a frame, the scheduler added ${slow.added} ms), ${frames.length} frames`,
    );
    // Never faster than the stored rate; slower only as far as the panes are (a loaded machine): the scheduler adds
    // less than half a frame time beyond the frame time or the panes' own time (waiting a whole frame time after a
    // slow frame, as it once did, adds one).
    expect(slow.gap).toBeGreaterThanOrEqual(FRAME_TIME_MS * 0.9);
    expect(slow.added).toBeLessThan(FRAME_TIME_MS / 2);
    await page.screenshot({ path: join(ARTIFACTS, 'capsule-1-cine.png') });

    // Paused: nothing moves.
    const held = (await state(page)).panes.original.currentImageIdIndex;
    await sleep(400);
    const still = await state(page);
    expect(still.panes.original.currentImageIdIndex).toBe(held);
    expect(still.panes.restored.currentImageIdIndex).toBe(held);

    // 2x (the speed select): twice the rate.
    await page.selectOption('#cine-speed', '2');
    expect((await state(page)).cine.targetFps).toBeCloseTo(16, 6);
    expect(await page.textContent('#cine-rate')).toContain('→ 16 fps');
    const fast = await play(page, 10);
    const quick = pacing(fast, FRAME_TIME_MS / 2);
    console.log(`cine 2x: median ${quick.gap} ms between frames (panes ${quick.stepMs} ms, added ${quick.added} ms)`);
    expect(quick.gap).toBeGreaterThanOrEqual((FRAME_TIME_MS / 2) * 0.9);
    expect(quick.added).toBeLessThan(FRAME_TIME_MS / 4);
    for (const f of fast) expect(f.restored).toBe(f.original);

    // ] and [ step the speed; without loop the cine stops on the last frame, both panes there.
    await page.keyboard.press(']');
    expect((await state(page)).cine.speed).toBe(4);
    await page.keyboard.press('[');
    await page.keyboard.press('[');
    expect((await state(page)).cine.speed).toBe(1);
    await page.keyboard.press(']');
    await page.click('#cine-loop');
    expect((await state(page)).cine.loop).toBe(false);
    await page.click('#cine-play');
    await until(page, 'the cine stopped at the end', async () => {
      const s = await state(page);
      return !s.cine.playing && s.panes.original.currentImageIdIndex === FRAMES - 1 ? s : undefined;
    });
    const end = await state(page);
    expect(end.panes.restored.currentImageIdIndex).toBe(FRAMES - 1);
    expect(await page.getAttribute('#cine-play', 'data-playing')).toBe('false');
  });

  it('shows the difference of an RGB pair as luma', async () => {
    await page.keyboard.press('d');
    const s = await until(page, 'luma difference images', async () => {
      const t = await state(page);
      return t.panes.restored.imageId?.startsWith('gsdiff-diff:') ? t : undefined;
    });
    expect(s.panes.restored.colormap).toBe('Cool to Warm');
    expect(await page.textContent('#derived-label')).toContain('(luma)');
    expect(await page.textContent('#diff-scale')).toContain('grey levels');
    const c = await until(page, 'a rendered luma difference', async () => {
      const t = await stats(page, 'restored');
      return t.distinct > 10 ? t : undefined;
    });
    expect(c.nonBlank).toBeGreaterThan(c.width * c.height * 0.05);
    await page.screenshot({ path: join(ARTIFACTS, 'capsule-2-difference.png') });
    await page.keyboard.press('d');
    await until(page, 'the restored sequence again', async () =>
      (await state(page)).panes.restored.imageId?.startsWith('wadors:'),
    );
    expect(consoleErrors.filter((e) => !/favicon/.test(e))).toEqual([]);
  });
});

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { parseInstance } from '../../pacs-adapters/index.js';
import type { RunningServer } from '../../server/index.js';
import type { JobRecord } from '../../wire/index.js';
import { startOrthanc, type RunningOrthanc } from '../helpers/orthanc.js';
import { ensureViewerBuilt, haveChromium, launchChromium } from './browser.js';
import {
  events,
  openViewer,
  pageErrors,
  reportConsoleErrors,
  state,
  stats,
  until,
  VIEWER_ARTIFACTS,
  type HookEvent,
} from './harness.js';
import { smallCapsuleH264, type CapsuleVideo } from '../helpers/smallVideoInstance.js';
import { orthancSeriesFile, startServerWithOrthanc } from './videoSession.js';

const TOKEN = 'viewer-video-cine-token-0123456789';
const FRAMES = 8;
const FPS = 8;
const H264 = '1.2.840.10008.1.2.4.102';

const describeIfChromium = haveChromium() ? describe : describe.skip;

/**
 * Issue 20's acceptance: a DICOM H.264 capsule instance goes Orthanc -> job (restored as H.264) -> derived series
 * pushed back to Orthanc -> viewer cine, original | restored side by side at the FrameTime's rate.
 */
describeIfChromium('DICOM H.264 capsule video: Orthanc -> job -> Orthanc -> viewer cine (Chromium)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gsdiff-viewer-video-'));
  const consoleErrors: string[] = [];
  let orthanc: RunningOrthanc;
  let running: RunningServer;
  let browser: Browser;
  let page: Page;
  let video: CapsuleVideo;

  beforeAll(async () => {
    ensureViewerBuilt();
    orthanc = await startOrthanc();
    video = await smallCapsuleH264(FRAMES, 3, FPS);
    await orthanc.upload(video.bytes);
    running = await startServerWithOrthanc(dir, TOKEN, orthanc);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await running?.close();
    await orthanc?.stop();
  });
  afterEach(() => reportConsoleErrors(consoleErrors));

  const api = async <T>(path: string, init: RequestInit = {}): Promise<T> => {
    const res = await fetch(`${running.url}${path}`, {
      ...init,
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
    });
    if (!res.ok) throw new Error(`${path}: HTTP ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  };

  it('restores it from Orthanc as H.264, pushes it back, and plays original | restored in cine at 8 fps', async () => {
    // 1. The job: pulled from Orthanc, restored with the tiny pack, written as H.264, pushed back.
    const submitted = await api<JobRecord>('/api/jobs', {
      method: 'POST',
      body: JSON.stringify({
        source: 'pacs',
        studyInstanceUid: video.studyInstanceUid,
        seriesInstanceUid: video.seriesInstanceUid,
        task: 'auto',
        steps: 1,
        video: 'h264',
      }),
    });
    expect(submitted.spec.video).toBe('h264');
    let job = submitted;
    const deadline = Date.now() + 150_000;
    while (!['done', 'failed', 'cancelled'].includes(job.state) || (job.state === 'done' && !job.pushBack)) {
      if (Date.now() > deadline) throw new Error(`job ${job.id}: still ${job.state}/${job.stage ?? '-'}`);
      await new Promise((r) => setTimeout(r, 500));
      job = await api<JobRecord>(`/api/jobs/${job.id}`);
    }
    expect(job.error).toBeUndefined();
    expect(job.state).toBe('done');
    expect(job.pushBack).toMatchObject({ state: 'done', stored: 1, failed: 0 });

    // 2. Orthanc holds the derived series in H.264, byte-identical to what the workstation published.
    const derivedUid = job.derivedSeriesInstanceUid as string;
    const back = await orthancSeriesFile(orthanc, derivedUid);
    const derived = parseInstance(back, 'orthanc:derived');
    expect(derived.header.transferSyntaxUid).toBe(H264);
    expect(derived.header.numberOfFrames).toBe(FRAMES);
    expect(derived.header.frameTimeMs).toBeCloseTo(1000 / FPS, 3);
    const local = await running.store.readInstanceBytes(derived.header.sopInstanceUid);
    expect(Buffer.compare(Buffer.from(back), Buffer.from(local))).toBe(0);

    // 3. What the viewer shows comes from Orthanc: the original, and the derived series in place of the workstation's
    //    own copy (the viewer browses the workstation's store).
    await running.store.storeInstance(await orthancSeriesFile(orthanc, video.seriesInstanceUid), 'test');
    await running.store.deleteSeries(derivedUid);
    await running.store.storeInstance(back, 'test');

    // What the server's decoded-frames path costs (the viewer's choice, viewer/README.md "DICOM video").
    const framesUrl = (series: string, sop: string, n: number): string =>
      `${running.url}/dicom-web/studies/${video.studyInstanceUid}/series/${series}/instances/${sop}/frames/${n}`;
    const timed = async (url: string): Promise<number> => {
      const t0 = performance.now();
      const res = await fetch(url, { headers: { authorization: `Bearer ${TOKEN}` } });
      expect(res.status).toBe(200);
      await res.arrayBuffer();
      return performance.now() - t0;
    };
    const first = await timed(framesUrl(derivedUid, derived.header.sopInstanceUid, 1));
    const rest: number[] = [];
    for (let n = 2; n <= FRAMES; n++) rest.push(await timed(framesUrl(derivedUid, derived.header.sopInstanceUid, n)));
    console.log(
      `decoded frames (server, H.264 ${derived.header.columns}x${derived.header.rows}): first ${first.toFixed(0)} ms, then ${(rest.reduce((a, b) => a + b, 0) / rest.length).toFixed(1)} ms per frame`,
    );

    // 4. The viewer: Review of the job shows original | restored; both are the 8 frames of the instance.
    browser = await launchChromium();
    page = await openViewer(browser, running.url, TOKEN, consoleErrors);
    const playable = await page.evaluate(() => {
      type VideoElement = { canPlayType(type: string): string };
      const doc = (globalThis as unknown as { document: { createElement(tag: string): VideoElement } }).document;
      const v = doc.createElement('video');
      return {
        h264: v.canPlayType('video/mp4; codecs="avc1.640029"'),
        hevc: v.canPlayType('video/mp4; codecs="hvc1.1.6.L153.B0"'),
        mpeg2: v.canPlayType('video/mpeg'),
      };
    });
    console.log(`Chromium <video> (Cornerstone3D's VideoViewport) canPlayType: ${JSON.stringify(playable)}`);
    const review = page.locator(`#job-list button.review[data-job="${job.id}"]`);
    await review.waitFor({ timeout: 15_000 });
    const clicked = performance.now();
    await review.click();
    const shown = await until(
      page,
      'original | restored of the video series',
      async () => {
        const s = await state(page);
        if (s.review.source !== 'derived' || s.review.derivedSeries !== derivedUid) return undefined;
        const [o, r] = [await stats(page, 'original'), await stats(page, 'restored')];
        return o.nonBlank > 0 && r.nonBlank > 0 ? s : undefined;
      },
      60_000,
    );
    const firstFrameMs = performance.now() - clicked;
    expect(shown.review.originalSeries).toBe(video.seriesInstanceUid);
    expect(shown.panes.original.images).toBe(FRAMES);
    expect(shown.panes.restored.images).toBe(FRAMES);
    expect(shown.review.color).toBe(true);
    expect((await stats(page, 'restored')).colored).toBeGreaterThan(0);
    // Counted as frames of one instance, both panes on the same one.
    const at = `frame ${shown.panes.original.currentImageIdIndex + 1}/${FRAMES}`;
    expect(await page.textContent('#info-original')).toMatch(new RegExp(`^${at} · `));
    expect(await page.textContent('#info-restored')).toMatch(new RegExp(`^${at} · `));
    expect(shown.cine.rate).toEqual({ fps: FPS, source: 'FrameTime' });
    expect(await page.textContent('#cine-rate')).toBe('8.0 fps (FrameTime 125 ms)');

    // 5. Cine: both panes step together through every frame and loop.
    const from = (await events(page)).length;
    await page.keyboard.press(' ');
    const played = await until(
      page,
      `${FRAMES + 3} cine frames`,
      async () => {
        const f = (await events(page)).slice(from).filter((e: HookEvent) => e.event === 'cine-frame');
        return f.length >= FRAMES + 3 ? f : undefined;
      },
      60_000,
    );
    await page.keyboard.press(' ');
    await until(page, 'cine paused', async () => !(await state(page)).cine.playing);
    for (const f of played) {
      expect(f.restored).toBe(f.original);
      expect(f.restoredImageId).toMatch(/^wadors:/);
    }
    for (let i = 1; i < played.length; i++) expect(played[i].original).toBe((played[i - 1].original! + 1) % FRAMES);
    const gaps = played.slice(1).map((f, i) => f.t - played[i].t);
    const median = [...gaps].sort((a, b) => a - b)[Math.floor(gaps.length / 2)];
    expect(median).toBeGreaterThanOrEqual((1000 / FPS) * 0.9);
    const heap = await page.evaluate(
      () => (performance as unknown as { memory?: { usedJSHeapSize: number } }).memory?.usedJSHeapSize ?? 0,
    );
    console.log(
      `viewer: first frames of both panes ${firstFrameMs.toFixed(0)} ms after Review; cine median ${median} ms between frames (FrameTime 125 ms); JS heap ${(heap / 2 ** 20).toFixed(1)} MiB`,
    );
    await page.screenshot({ path: join(VIEWER_ARTIFACTS, 'video-cine.png') });
    expect(pageErrors(consoleErrors)).toEqual([]);
  }, 300_000);
});

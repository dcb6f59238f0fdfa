import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { createLogger } from '../../common/index.js';
import { ctPhantomSlice, endoscopyFrames } from '../../demo/index.js';
import {
  encodeCtSlice,
  encodeEndoscopySequence,
  frameValues,
  newUid,
  parseInstance,
  type LocalStore,
  type SyntheticSeriesContext,
} from '../../pacs-adapters/index.js';
import { loadServerConfig, startServer, type RunningServer } from '../../server/index.js';
import { ensureViewerBuilt, freePort, launchChromium } from './browser.js';

/** Where the e2e tests put their screenshots. */
export const VIEWER_ARTIFACTS = join(process.cwd(), 'test', 'artifacts', 'viewer');

/** What `window.__gsdiff` answers (viewer/src/testHook.ts; the viewer is a separate TypeScript project). */
export interface PaneState {
  readonly images: number;
  readonly currentImageIdIndex: number;
  readonly targetImageIdIndex: number;
  readonly imageId?: string;
  /** The image on the canvas (imageId, except while flicker shows the original on the restored pane). */
  readonly displayedImageId?: string;
  readonly voiRange?: { readonly lower: number; readonly upper: number };
  readonly colormap?: string;
  readonly zoom: number;
  readonly pan: readonly [number, number];
  readonly position?: number;
}
export interface CineState {
  readonly playing: boolean;
  readonly rate: { readonly fps: number; readonly source: string };
  readonly speed: number;
  readonly loop: boolean;
  readonly targetFps: number;
  readonly achievedFps?: number;
  readonly frames: number;
}
export interface FlickerState {
  readonly on: boolean;
  readonly periodMs: number;
  readonly showing: 'original' | 'restored';
  readonly paired: boolean;
  readonly displayedImageId?: string;
}
export interface HookState {
  readonly panes: { readonly original: PaneState; readonly restored: PaneState };
  readonly review: {
    readonly originalSeries?: string;
    readonly source: string;
    readonly mode: string;
    readonly jobId?: string;
    readonly derivedSeries?: string;
    readonly pairing: 'index' | 'position';
    readonly pairedSlices: number;
    readonly color: boolean;
  };
  readonly sync: { readonly slice: boolean; readonly voi: boolean; readonly camera: boolean };
  readonly framesReceived: number;
  readonly pendingSlice?: number;
  readonly unpairedSlice?: number;
  readonly job?: { readonly id: string; readonly state: string; readonly done: number; readonly total: number };
  readonly cine: CineState;
  readonly tool: string;
  readonly flicker: FlickerState;
}
export interface HookEvent {
  readonly t: number;
  readonly event: string;
  readonly scheme?: string;
  readonly nonBlank?: number;
  readonly distinct?: number;
  readonly index?: number;
  readonly framesReceived?: number;
  readonly slice?: number | null;
  readonly unpaired?: number | null;
  readonly original?: number;
  readonly restored?: number | null;
  readonly restoredImageId?: string | null;
  /** cine-frame: how long the panes took to show this frame. */
  readonly stepMs?: number;
  readonly task?: string;
  readonly strength?: string;
}
export interface CanvasStats {
  readonly width: number;
  readonly height: number;
  readonly nonBlank: number;
  readonly distinct: number;
  readonly colored: number;
}
export type ImagePoint = readonly [number, number];
export interface RoiStats {
  readonly n: number;
  readonly mean: number;
  readonly sd: number;
  readonly min: number;
  readonly max: number;
}
export interface PaneMeasurement {
  readonly annotationUID: string;
  readonly imageId: string;
  readonly index: number;
  readonly points: readonly ImagePoint[];
  readonly length?: number;
  readonly lengthUnit?: string;
  readonly stats?: RoiStats;
  readonly valueUnit?: string;
}
export interface HookMeasurement {
  readonly id: number;
  readonly kind: 'length' | 'ellipse' | 'rectangle';
  readonly original?: PaneMeasurement;
  readonly restored?: PaneMeasurement;
  readonly canvas: { readonly original?: readonly ImagePoint[]; readonly restored?: readonly ImagePoint[] };
}
interface Hook {
  readonly ready: true;
  state(): HookState;
  readonly events: HookEvent[];
  canvasStats(pane: 'original' | 'restored'): CanvasStats;
  canvasPixel(
    pane: 'original' | 'restored',
    x: number,
    y: number,
  ): readonly [number, number, number, number] | undefined;
  measurements(): HookMeasurement[];
}
export type HookWindow = {
  __gsdiff?: Hook;
  sessionStorage: { getItem(k: string): string | null };
  location: { hash: string };
};
export type Pane = 'original' | 'restored';

export const state = (page: Page): Promise<HookState> =>
  page.evaluate(() => (globalThis as unknown as HookWindow).__gsdiff!.state());
export const events = (page: Page): Promise<HookEvent[]> =>
  page.evaluate(() => [...(globalThis as unknown as HookWindow).__gsdiff!.events]);
export const stats = (page: Page, pane: Pane): Promise<CanvasStats> =>
  page.evaluate((p) => (globalThis as unknown as HookWindow).__gsdiff!.canvasStats(p), pane);
export const measurements = (page: Page): Promise<HookMeasurement[]> =>
  page.evaluate(() => (globalThis as unknown as HookWindow).__gsdiff!.measurements());
export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Polls `probe` until it returns a value (not undefined / false), or fails with the last state seen. */
export async function until<T>(
  page: Page,
  what: string,
  probe: () => Promise<T | undefined | false>,
  ms = 30_000,
): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > end) {
      throw new Error(`timed out waiting for ${what}; state: ${JSON.stringify(await state(page).catch(() => null))}`);
    }
    await sleep(100);
  }
}

/**
 * A real server on a free loopback port (temp data dir, the tiny pack, CPU, no demo data). The server accepts its own
 * origin without listing it (test/server/ownOrigin.test.ts); listing it in GSDIFF_CORS_ORIGINS is harmless.
 */
export async function startViewerServer(dir: string, token: string): Promise<RunningServer> {
  const port = await freePort();
  const config = loadServerConfig(
    // The viewer is under test: the untrained tiny pack changes pixels visibly and fast (the flicker test needs it).
    { data: dir, port, demo: false, device: 'cpu', pack: join(process.cwd(), 'models/packs/tiny-test') },
    { GSDIFF_TOKEN: token, GSDIFF_CORS_ORIGINS: `http://127.0.0.1:${port}` },
  );
  if (!config.viewerDir) throw new Error('viewer e2e: expected viewer/dist to be served, got no viewerDir');
  return startServer(config, { logger: createLogger('silent'), version: 'test' });
}

export function seriesContext(
  o: Pick<SyntheticSeriesContext, 'studyInstanceUid' | 'seriesInstanceUid' | 'studyDescription' | 'seriesDescription'>,
): SyntheticSeriesContext {
  return {
    patientId: 'VIEWER-E2E',
    patientName: 'VIEWER^E2E',
    studyId: 'V1',
    seriesNumber: 1,
    frameOfReferenceUid: newUid(),
    provenance: 'SYNTHETIC',
    softwareVersion: 'test',
    createdAt: new Date(),
    ...o,
  };
}

/**
 * A CT phantom series (`ctPhantomSlice` + deterministic uniform noise of about ±40 HU: a low-dose look), slices
 * `spacingMm` apart along z, 5.6 mm pixels.
 */
export async function storeCtPhantom(
  store: LocalStore,
  ctx: SyntheticSeriesContext,
  o: { readonly slices: number; readonly size: number; readonly spacingMm?: number; readonly seed?: number },
): Promise<void> {
  let seed = o.seed ?? 12345;
  const noise = (): number => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return (seed / 2147483648 - 0.5) * 80;
  };
  const spacing = o.spacingMm ?? 20;
  for (let z = 0; z < o.slices; z++) {
    const hu = ctPhantomSlice(z, o.slices, o.size).map((v) => v + noise());
    await store.storeInstance(
      encodeCtSlice(ctx, {
        sopInstanceUid: newUid(),
        instanceNumber: z + 1,
        rows: o.size,
        columns: o.size,
        hu,
        position: [0, 0, z * spacing],
        pixelSpacing: [5.6, 5.6],
        sliceThickness: spacing,
        acquisition: { ctdiVol: 1.5 },
      }),
      'test',
    );
  }
}

/** A multi-frame RGB endoscopy-like sequence (one Video Endoscopic Image instance) with its FrameTime. */
export async function storeEndoscopy(
  store: LocalStore,
  ctx: SyntheticSeriesContext,
  o: { readonly frames: number; readonly size: number; readonly frameTimeMs: number },
): Promise<void> {
  const seq = endoscopyFrames(o.frames, o.size, 3);
  await store.storeInstance(
    encodeEndoscopySequence(ctx, {
      sopInstanceUid: newUid(),
      instanceNumber: 1,
      rows: o.size,
      columns: o.size,
      frames: seq.blurred,
      frameTimeMs: o.frameTimeMs,
    }),
    'test',
  );
}

/** The HU (or RGB) values of a wadors image id's frame, read from the store (what the viewer should show). */
export async function storedFrame(store: LocalStore, imageId: string): Promise<Float32Array | Uint8Array> {
  const m = /\/instances\/([0-9.]+)\/frames\/(\d+)$/.exec(imageId);
  if (!m) throw new Error(`storedFrame: expected a wadors frame image id, got ${imageId}`);
  const bytes = await store.readInstanceBytes(m[1]);
  return frameValues(parseInstance(bytes, m[1]), Number(m[2]) - 1);
}

/** Mean / sample SD / n of the pixels whose centre lies inside the ellipse inscribed in a box (image coordinates). */
export function expectedEllipseStats(
  values: ArrayLike<number>,
  columns: number,
  box: { x0: number; y0: number; x1: number; y1: number },
): RoiStats {
  const picked: number[] = [];
  const rows = values.length / columns;
  const [cx, cy, rx, ry] = [(box.x0 + box.x1) / 2, (box.y0 + box.y1) / 2, (box.x1 - box.x0) / 2, (box.y1 - box.y0) / 2];
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < columns; c++) {
      if (((c + 0.5 - cx) / rx) ** 2 + ((r + 0.5 - cy) / ry) ** 2 <= 1) picked.push(values[r * columns + c]);
    }
  }
  const n = picked.length;
  const mean = picked.reduce((a, b) => a + b, 0) / n;
  const sd = Math.sqrt(picked.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1));
  return { n, mean, sd, min: Math.min(...picked), max: Math.max(...picked) };
}

/** The bounding box of image points. */
export function box(points: readonly ImagePoint[]): { x0: number; y0: number; x1: number; y1: number } {
  const xs = points.map((p) => p[0]);
  const ys = points.map((p) => p[1]);
  return { x0: Math.min(...xs), y0: Math.min(...ys), x1: Math.max(...xs), y1: Math.max(...ys) };
}

/** A page on the viewer with the token in the address, collecting console errors. */
export async function openViewer(browser: Browser, url: string, token: string, consoleErrors: string[]): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1400, height: 800 } });
  page.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(m.text());
  });
  page.on('pageerror', (e) => consoleErrors.push(`pageerror: ${e.message}`));
  await page.goto(`${url}/#token=${token}`);
  await page.waitForFunction(() => (globalThis as unknown as HookWindow).__gsdiff?.ready === true);
  return page;
}

/** Picks a series in the browser and waits until its images are on the original pane. */
export async function openSeries(page: Page, study: string, series: string, images: number): Promise<HookState> {
  await page.click(`#study-list li[data-study="${study}"]`);
  await page.click(`#series-list li[data-series="${series}"]`);
  return until(page, `series ${series} in the original pane`, async () => {
    const s = await state(page);
    return s.review.originalSeries === series &&
      s.panes.original.images === images &&
      (await stats(page, 'original')).nonBlank > 0
      ? s
      : undefined;
  });
}

/** Launches a job from the form and waits for the stored derived series in the restored pane. */
export async function restoreAndWait(page: Page, task: string, steps: number): Promise<HookState> {
  await page.selectOption('#job-task', task);
  await page.fill('#job-steps', String(steps));
  await page.click('#job-submit');
  return until(
    page,
    'the derived series',
    async () => {
      const s = await state(page);
      return s.review.source === 'derived' && s.panes.restored.imageId?.startsWith('wadors:') ? s : undefined;
    },
    90_000,
  );
}

/** The centre of a pane's viewport element on the page. */
export async function paneCentre(page: Page, pane: Pane): Promise<{ x: number; y: number }> {
  const b = (await page.locator(pane === 'original' ? '#vp-original' : '#vp-restored').boundingBox())!;
  return { x: b.x + b.width / 2, y: b.y + b.height / 2 };
}

/** Where a canvas point of a pane is on the page (Cornerstone's canvas coordinates are CSS pixels of the element). */
export async function pagePoint(page: Page, pane: Pane, p: ImagePoint): Promise<{ x: number; y: number }> {
  const b = (await page.locator(pane === 'original' ? '#vp-original' : '#vp-restored').boundingBox())!;
  return { x: b.x + p[0], y: b.y + p[1] };
}

/** A running server with the built viewer open in Chromium, for one describe block of e2e tests. */
export interface ViewerSession {
  readonly running: RunningServer;
  readonly browser: Browser;
  readonly page: Page;
}

/**
 * Builds the viewer if needed, starts a server on `dir`, lets `seed` store the block's series, and opens the
 * viewer in a fresh Chromium (console errors collected into `consoleErrors`).
 */
export async function startViewerSession(
  dir: string,
  token: string,
  seed: (running: RunningServer) => Promise<void>,
  consoleErrors: string[],
): Promise<ViewerSession> {
  ensureViewerBuilt();
  mkdirSync(VIEWER_ARTIFACTS, { recursive: true });
  const running = await startViewerServer(dir, token);
  await seed(running);
  const browser = await launchChromium();
  const page = await openViewer(browser, running.url, token, consoleErrors);
  return { running, browser, page };
}

/** Closes what startViewerSession opened (each part may be missing when start failed) and removes `dir`. */
export async function stopViewerSession(s: { browser?: Browser; running?: RunningServer }, dir: string): Promise<void> {
  await s.browser?.close();
  await s.running?.close();
  rmSync(dir, { recursive: true, force: true });
}

/** Prints the browser console errors collected so far (afterEach), so a failing test shows them. */
export function reportConsoleErrors(consoleErrors: readonly string[]): void {
  if (consoleErrors.length) console.log(`browser console errors:\n${consoleErrors.join('\n')}`);
}

/** The uncaught exceptions among the collected console errors (a page error is a bug whatever the console says). */
export const pageErrors = (consoleErrors: readonly string[]): string[] =>
  consoleErrors.filter((e) => e.startsWith('pageerror:'));

/** A box on the page, as playwright's `boundingBox()` gives it. */
export interface PageBox {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

/** Whether two boxes share any area (touching edges do not count). */
export function boxesIntersect(a: PageBox, b: PageBox): boolean {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
}

type Rgba = readonly [number, number, number, number];

/** `rgb(…)` / `rgba(…)` as computed styles write them, channels 0..255 and alpha 0..1. */
export function parseCssColor(css: string): Rgba {
  const m = /^rgba?\(([^)]+)\)$/.exec(css.trim());
  if (!m) throw new Error(`parseCssColor: expected rgb() or rgba(), got ${css}`);
  const [r, g, b, a = 1] = m[1]
    .split(/[\s,/]+/)
    .filter(Boolean)
    .map(Number);
  return [r, g, b, a];
}

/** `top` painted over an opaque `under`. */
function over(top: Rgba, under: Rgba): Rgba {
  const a = top[3];
  return [0, 1, 2].map((i) => top[i] * a + under[i] * (1 - a)).concat(1) as unknown as Rgba;
}

/** WCAG 2.x relative luminance of an opaque colour. */
function luminance(c: Rgba): number {
  const [r, g, b] = [c[0], c[1], c[2]].map((v) => {
    const s = v / 255;
    return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** WCAG 2.x contrast ratio of two opaque colours (1 … 21). */
export function contrastRatio(a: Rgba, b: Rgba): number {
  const [la, lb] = [luminance(a), luminance(b)];
  return (Math.max(la, lb) + 0.05) / (Math.min(la, lb) + 0.05);
}

/**
 * The contrast of a label's text against what is behind it, in the worst case of the image under it (black or white:
 * a lung window paints both): its computed colour over its own background plate over that image.
 */
export function worstLabelContrast(color: string, background: string): number {
  const [text, plate] = [parseCssColor(color), parseCssColor(background)];
  return Math.min(
    ...[
      [0, 0, 0, 1],
      [255, 255, 255, 1],
    ].map((image) => {
      const behind = over(plate, image as unknown as Rgba);
      return contrastRatio(over(text, behind), behind);
    }),
  );
}

/** A label's computed text colour and background, as `worstLabelContrast` takes them. */
export async function labelColors(page: Page, selector: string): Promise<{ color: string; background: string }> {
  return page.$eval(selector, (el) => {
    const w = globalThis as unknown as {
      getComputedStyle(e: unknown): { color: string; backgroundColor: string };
    };
    const s = w.getComputedStyle(el);
    return { color: s.color, background: s.backgroundColor };
  });
}

/** What the page shows of a job's progress at one moment (see `startCounterSampling`). */
export interface CounterSample {
  readonly t: number;
  readonly job?: string;
  readonly jobState?: string;
  /** The toolbar's job line. */
  readonly toolbar: string;
  /** The job list row's count of the reviewed job. */
  readonly list?: string;
  /** The restored pane's cover, when shown. */
  readonly cover?: string;
  /** The restored pane's footer. */
  readonly footer: string;
  readonly restoredSource: string;
  readonly originalIndex: number;
}

/**
 * Samples, inside the page at every animation frame until `stopCounterSampling`, the progress counts the page shows
 * (toolbar, job list, pane cover, footer), so counts that disagree even for one frame are caught. `everyMs` > 0 samples
 * at most that often (still on animation frames), for sampling over minutes on a loaded machine.
 */
export async function startCounterSampling(page: Page, everyMs = 0): Promise<void> {
  await page.evaluate((everyMs) => {
    const w = globalThis as unknown as HookWindow & {
      __samples?: CounterSample[];
      __sampling?: boolean;
      document: {
        querySelector(s: string): { textContent: string | null; hidden?: boolean } | null;
      };
      requestAnimationFrame(f: () => void): void;
      performance: { now(): number };
    };
    w.__samples = [];
    w.__sampling = true;
    let last = -Infinity;
    const text = (s: string): string | undefined => w.document.querySelector(s)?.textContent ?? undefined;
    const tick = (): void => {
      if (!w.__sampling) return;
      const now = w.performance.now();
      if (now - last < everyMs) {
        w.requestAnimationFrame(tick);
        return;
      }
      last = now;
      const st = w.__gsdiff!.state();
      const cover = w.document.querySelector('#restored-pending');
      w.__samples!.push({
        t: w.performance.now(),
        job: st.job?.id,
        jobState: st.job?.state,
        toolbar: text('#job-info') ?? '',
        list: st.job ? text(`#job-list li[data-job="${st.job.id}"] .meta`) : undefined,
        cover: cover && !cover.hidden ? (cover.textContent ?? '') : undefined,
        footer: text('#info-restored') ?? '',
        restoredSource: st.review.source,
        originalIndex: st.panes.original.targetImageIdIndex,
      });
      w.requestAnimationFrame(tick);
    };
    tick();
  }, everyMs);
}

/** Stops the sampling and returns the samples. */
export async function stopCounterSampling(page: Page): Promise<CounterSample[]> {
  return page.evaluate(() => {
    const w = globalThis as unknown as { __samples?: CounterSample[]; __sampling?: boolean };
    w.__sampling = false;
    return w.__samples ?? [];
  });
}

/** The first `n/N` after `prefix` in a text (N may be `?`), or undefined. */
export function countIn(text: string | undefined, prefix: RegExp): string | undefined {
  if (!text) return undefined;
  const m = new RegExp(`${prefix.source}(\\d+/(?:\\d+|\\?))`).exec(text);
  return m?.[1];
}

/** The samples in which the page showed two different `n/N` counts of the same job (toolbar, job list, cover, footer). */
export function disagreeingCounts(samples: readonly CounterSample[]): CounterSample[] {
  return samples.filter((x) => {
    const counts = [
      countIn(x.toolbar, /(?:streaming | · )/),
      countIn(x.list, /^/),
      countIn(x.cover, /\(/),
      x.restoredSource === 'stream' ? countIn(x.footer, /streaming /) : undefined,
    ].filter((c) => c !== undefined);
    return new Set(counts).size > 1;
  });
}

/**
 * Zooms a pane by a right-button drag (`dy` < 0, down: in) and pans it by a middle-button drag of `pan` px; waits until
 * the hook reports both changed and returns the pane's new camera.
 */
export async function dragZoomAndPan(
  page: Page,
  pane: Pane,
  dy: number,
  pan: number,
): Promise<{ zoom: number; pan: readonly [number, number] }> {
  const c = await paneCentre(page, pane);
  const before = (await state(page)).panes[pane];
  await page.mouse.move(c.x, c.y);
  await page.mouse.down({ button: 'right' });
  await page.mouse.move(c.x, c.y - dy, { steps: 5 });
  await page.mouse.up({ button: 'right' });
  await page.mouse.move(c.x, c.y);
  await page.mouse.down({ button: 'middle' });
  await page.mouse.move(c.x + pan, c.y + pan / 2, { steps: 5 });
  await page.mouse.up({ button: 'middle' });
  const after = await until(page, `a zoomed and panned ${pane} pane`, async () => {
    const p = (await state(page)).panes[pane];
    return Math.abs(p.zoom - before.zoom) > 0.1 && Math.abs(p.pan[0] - before.pan[0]) > 1 ? p : undefined;
  });
  return { zoom: after.zoom, pan: after.pan };
}

/** Both panes' image and camera at one animation frame (see `startCameraSampling`). */
export interface CameraSample {
  readonly t: number;
  readonly originalSeries?: string;
  readonly source: string;
  readonly originalImageId?: string;
  readonly originalZoom: number;
  readonly originalPan: readonly [number, number];
  readonly restoredImageId?: string;
  readonly restoredZoom: number;
  /** Whether the app had logged `original-shown` / `derived-shown` since the sampling started (its series is set up). */
  readonly originalShown: boolean;
  readonly derivedShown: boolean;
}

/**
 * Samples both panes' image id and camera at every animation frame until `stopCameraSampling`: a frame drawn with a
 * series at another series' zoom (carried over) shows in the samples even when the camera is put right later. A pane's
 * image id changes when its stack is set, before the image is drawn: judge a pane from the app's `original-shown` /
 * `derived-shown` on (`originalShown`, `derivedShown`).
 */
export async function startCameraSampling(page: Page): Promise<void> {
  await page.evaluate(() => {
    const w = globalThis as unknown as HookWindow & {
      __cameras?: CameraSample[];
      __cameraSampling?: boolean;
      requestAnimationFrame(f: () => void): void;
      performance: { now(): number };
    };
    w.__cameras = [];
    w.__cameraSampling = true;
    let seen = w.__gsdiff!.events.length;
    let originalShown = false;
    let derivedShown = false;
    const tick = (): void => {
      if (!w.__cameraSampling) return;
      const log = w.__gsdiff!.events;
      for (; seen < log.length; seen++) {
        if (log[seen].event === 'original-shown') originalShown = true;
        if (log[seen].event === 'derived-shown') derivedShown = true;
      }
      const st = w.__gsdiff!.state();
      w.__cameras!.push({
        t: w.performance.now(),
        originalSeries: st.review.originalSeries,
        source: st.review.source,
        originalImageId: st.panes.original.imageId,
        originalZoom: st.panes.original.zoom,
        originalPan: st.panes.original.pan as [number, number],
        restoredImageId: st.panes.restored.imageId,
        restoredZoom: st.panes.restored.zoom,
        originalShown,
        derivedShown,
      });
      w.requestAnimationFrame(tick);
    };
    tick();
  });
}

/** Stops the camera sampling and returns the samples. */
export async function stopCameraSampling(page: Page): Promise<CameraSample[]> {
  return page.evaluate(() => {
    const w = globalThis as unknown as { __cameras?: CameraSample[]; __cameraSampling?: boolean };
    w.__cameraSampling = false;
    return w.__cameras ?? [];
  });
}

import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { newUid } from '../../pacs-adapters/index.js';
import type { RunningServer } from '../../server/index.js';
import { CHROMIUM, ensureViewerBuilt, haveChromium, launchChromium } from './browser.js';
import {
  boxesIntersect,
  events,
  labelColors,
  pageErrors,
  paneCentre,
  seriesContext,
  sleep,
  startViewerServer,
  state,
  stats,
  storeCtPhantom,
  until,
  worstLabelContrast,
  type HookWindow,
} from './harness.js';

const ARTIFACTS = join(process.cwd(), 'test', 'artifacts', 'viewer');
const TOKEN = 'viewer-e2e-token-0123456789';
const SLICES = 12;
const SIZE = 64;

const describeIfChromium = haveChromium() ? describe : describe.skip;
if (!haveChromium()) {
  console.warn(`test/viewer: ${CHROMIUM} is missing: the viewer e2e tests are skipped (apt-get install chromium)`);
}

/**
 * The viewer end to end: a real server (temp store, tiny pack, CPU) with a synthetic 12-slice CT phantom, the built
 * viewer it serves, Debian's Chromium through playwright-core (WebGL via SwiftShader). One browser session walks the
 * workflow: token from the address, series pick, job launch, progressive frames, derived series, sync, presets, modes.
 */
describeIfChromium('viewer (Chromium, real server)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gsdiff-viewer-'));
  const study = newUid();
  const series = newUid();
  let running: RunningServer;
  let browser: Browser;
  let page: Page;
  const consoleErrors: string[] = [];

  beforeAll(async () => {
    ensureViewerBuilt();
    mkdirSync(ARTIFACTS, { recursive: true });
    running = await startViewerServer(dir, TOKEN);
    const ctx = seriesContext({
      studyInstanceUid: study,
      seriesInstanceUid: series,
      studyDescription: 'viewer e2e phantom',
      seriesDescription: 'low dose phantom',
    });
    await storeCtPhantom(running.store, ctx, { slices: SLICES, size: SIZE });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1400, height: 800 } });
    page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(m.text());
    });
    page.on('pageerror', (e) => consoleErrors.push(`pageerror: ${e.message}`));
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await running?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  afterEach(() => {
    if (consoleErrors.length) console.log(`browser console errors:\n${consoleErrors.join('\n')}`);
  });

  it('asks for the token when none is carried, and refuses a wrong one', async () => {
    const context = await browser.newContext();
    const other = await context.newPage();
    try {
      await other.goto(`${running.url}/`);
      await other.waitForFunction(() => (globalThis as unknown as HookWindow).__gsdiff?.ready === true);
      expect(await other.textContent('#status')).toContain('Enter the access token');
      await other.fill('#token-input', 'not-the-token-0123456789');
      await other.click('#token-save');
      await other.locator('#status', { hasText: 'SRV_ERR_UNAUTHORIZED' }).waitFor({ timeout: 10_000 });
      await other.fill('#token-input', TOKEN);
      await other.click('#token-save');
      await other.locator(`#study-list li[data-study="${study}"]`).waitFor({ timeout: 10_000 });
      expect(
        await other.evaluate(() => (globalThis as unknown as HookWindow).sessionStorage.getItem('gsdiff.token')),
      ).toBe(TOKEN);
    } finally {
      await context.close();
    }
  });

  it('takes the token from the address, lists the study and shows the picked series in the original pane', async () => {
    await page.goto(`${running.url}/#token=${TOKEN}`);
    await page.waitForFunction(() => (globalThis as unknown as HookWindow).__gsdiff?.ready === true);
    const stored = await page.evaluate(() => {
      const w = globalThis as unknown as HookWindow;
      return { token: w.sessionStorage.getItem('gsdiff.token'), hash: w.location.hash };
    });
    expect(stored).toEqual({ token: TOKEN, hash: '' });

    // Before any series is picked: a wheel and a drag with each button on both (empty) panes do nothing, and throw
    // nothing (Cornerstone's tools threw "Stack Viewport has no images" / "Viewport is not a valid type").
    await page.locator(`#study-list li[data-study="${study}"]`).waitFor({ timeout: 10_000 });
    for (const pane of ['original', 'restored'] as const) {
      const c = await paneCentre(page, pane);
      await page.mouse.move(c.x, c.y);
      await page.mouse.wheel(0, 120);
      await page.mouse.wheel(0, -120);
      for (const button of ['left', 'middle', 'right'] as const) {
        await page.mouse.move(c.x, c.y);
        await page.mouse.down({ button });
        await page.mouse.move(c.x + 40, c.y + 30, { steps: 4 });
        await page.mouse.up({ button });
      }
    }
    await sleep(300);
    expect(pageErrors(consoleErrors)).toEqual([]);
    expect((await state(page)).panes.original.images).toBe(0);

    await page.click(`#study-list li[data-study="${study}"]`);
    await page.click(`#series-list li[data-series="${series}"]`);
    const original = await until(page, 'the original series', async () => {
      const s = (await state(page)).panes.original;
      return s.images === SLICES && s.imageId?.startsWith('wadors:') && (await stats(page, 'original')).nonBlank > 0
        ? s
        : undefined;
    });
    expect(original.currentImageIdIndex).toBe(SLICES / 2);
    expect(await page.isVisible('#restored-empty')).toBe(true);
    const canvas = await stats(page, 'original');
    expect(canvas.distinct).toBeGreaterThan(10);
    expect(await page.textContent('#derived-label')).toContain('DERIVED — restored by GSDiff, review aid');
  });

  it('launches a job and shows its frames progressively, then the stored derived series', async () => {
    // Look at the first slice: its frame is restored first, so it shows while the job still runs.
    const box = (await page.locator('#vp-original').boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    for (let i = 0; i < SLICES && (await state(page)).panes.original.currentImageIdIndex > 0; i++) {
      await page.mouse.wheel(0, -120);
      await new Promise((r) => setTimeout(r, 50));
    }
    await until(page, 'the first slice', async () => (await state(page)).panes.original.currentImageIdIndex === 0);
    await page.selectOption('#job-task', 'denoise');
    expect(await page.inputValue('#job-strength')).toBe('medium'); // the default, preselected
    await page.selectOption('#job-strength', 'high');
    await page.fill('#job-steps', '1');
    const t0 = Date.now();
    await page.click('#job-submit');
    const streamed = await until(page, 'a streamed frame rendered in the restored pane', async () =>
      (await events(page)).find(
        (e) => e.event === 'restored-rendered' && e.scheme === 'gsdiff-stream' && e.nonBlank! > 0,
      ),
    );
    const firstFrameMs = Date.now() - t0;
    expect(streamed.index).toBe(0);
    expect(streamed.framesReceived).toBeLessThan(SLICES);
    expect(streamed.nonBlank).toBeGreaterThan(0);
    expect(streamed.distinct).toBeGreaterThan(10);
    await page.screenshot({ path: join(ARTIFACTS, '1-streaming.png') });
    const derived = await until(
      page,
      'the derived series',
      async () => {
        const s = await state(page);
        return s.review.source === 'derived' && s.panes.restored.imageId?.startsWith('wadors:') ? s : undefined;
      },
      60_000,
    );
    // The page logs job-end from the websocket and derived-shown from the render; under load either may trail the
    // state above by a moment, so wait for both before comparing times.
    const log = await until(
      page,
      'the job-end and derived-shown events',
      async () => {
        const l = await events(page);
        return l.some((e) => e.event === 'job-end') && l.some((e) => e.event === 'derived-shown') ? l : undefined;
      },
      30_000,
    );
    const shown = log.find((e) => e.event === 'derived-shown');
    const frames = log.filter((e) => e.event === 'frame');
    expect(frames.map((e) => e.index)).toEqual(Array.from({ length: SLICES }, (_, i) => i));
    // The first frame was on screen before the job had sent all frames, and before the derived series replaced it.
    const end = log.find((e) => e.event === 'job-end');
    // Until frame 0 arrived, the restored pane was covered as "waiting" for slice 1, then uncovered.
    const pending = log.filter((e) => e.event === 'pending');
    expect(pending[0]).toMatchObject({ slice: 0 });
    expect(pending[0].t).toBeLessThanOrEqual(streamed.t);
    expect(pending.at(-1)).toMatchObject({ slice: null });
    expect(derived.pendingSlice).toBeUndefined();
    expect(await page.isVisible('#restored-pending')).toBe(false);
    expect(streamed.t).toBeLessThan(end!.t);
    expect(streamed.t).toBeLessThan(shown!.t);
    console.log(
      `viewer e2e: first streamed frame on screen with ${streamed.framesReceived}/${SLICES} frames received, ` +
        `${firstFrameMs} ms after submit; job end +${end!.t - streamed.t} ms later; derived shown +${shown!.t - streamed.t} ms`,
    );
    expect(derived.framesReceived).toBe(SLICES);
    expect(derived.panes.restored.images).toBe(SLICES);
    expect(derived.panes.restored.currentImageIdIndex).toBe(derived.panes.original.currentImageIdIndex);
    expect(derived.job?.state).toBe('done');
    const [left, right] = [await stats(page, 'original'), await stats(page, 'restored')];
    expect(left.nonBlank).toBeGreaterThan(left.width * left.height * 0.05);
    expect(right.nonBlank).toBeGreaterThan(right.width * right.height * 0.05);
    expect(right.distinct).toBeGreaterThan(10);
    await page.screenshot({ path: join(ARTIFACTS, '2-derived.png') });

    // The strength chosen next to the task went with the POST, is in the job record, the derived series' description,
    // the job list and the restored pane's footer.
    expect(log.find((e) => e.event === 'job-launch')).toMatchObject({ task: 'denoise', strength: 'high' });
    const id = derived.job!.id;
    const auth = { authorization: `Bearer ${TOKEN}` };
    const record = (await (await fetch(`${running.url}/api/jobs/${id}`, { headers: auth })).json()) as {
      spec: { strength?: string };
      derivedSeriesInstanceUid: string;
    };
    expect(record.spec.strength).toBe('high');
    const meta = (await (
      await fetch(`${running.url}/dicom-web/studies/${study}/series/${record.derivedSeriesInstanceUid}/metadata`, {
        headers: { ...auth, accept: 'application/dicom+json' },
      })
    ).json()) as Record<string, { Value?: string[] }>[];
    expect(meta[0]['0008103E'].Value?.[0]).toBe('low dose phantom [GSDiff] strength high');
    await page
      .locator(`#job-list li[data-job="${id}"] .title`, { hasText: `denoise · high · ${id.slice(0, 8)}` })
      .waitFor({ timeout: 10_000 });
    expect(await page.textContent('#info-restored')).toContain('stored derived series · strength high');
    expect(await page.textContent('#job-info')).toContain('denoise · strength high · done');
  });

  it('synchronises slice, window and zoom between the panes, and each sync can be switched off', async () => {
    const box = (await page.locator('#vp-original').boundingBox())!;
    const centre = { x: box.x + box.width / 2, y: box.y + box.height / 2 };
    await page.mouse.move(centre.x, centre.y);
    const before = (await state(page)).panes.original.currentImageIdIndex;
    await page.mouse.wheel(0, 120);
    const scrolled = await until(page, 'a scroll on the original pane', async () => {
      const s = await state(page);
      return s.panes.original.currentImageIdIndex !== before &&
        s.panes.restored.currentImageIdIndex === s.panes.original.currentImageIdIndex
        ? s
        : undefined;
    });
    expect(scrolled.panes.restored.currentImageIdIndex).toBe(scrolled.panes.original.currentImageIdIndex);

    // Preset: both panes get the lung window.
    await page.click('#presets button[data-preset="lung"]');
    let s = await state(page);
    expect(s.panes.original.voiRange).toEqual({ lower: -1350, upper: 150 });
    expect(s.panes.restored.voiRange).toEqual({ lower: -1350, upper: 150 });
    // The pane labels stay legible over the lung window's black and white: WCAG AA (4.5:1) on the worst image.
    for (const label of ['#pane-original .pane-label', '#derived-label']) {
      const { color, background } = await labelColors(page, label);
      const contrast = worstLabelContrast(color, background);
      console.log(`viewer e2e: ${label} ${color} on ${background}: worst-case contrast ${contrast.toFixed(2)}:1`);
      expect(contrast).toBeGreaterThanOrEqual(4.5);
    }

    // Window/level drag on the original: the restored pane follows.
    await page.mouse.move(centre.x, centre.y);
    await page.mouse.down();
    await page.mouse.move(centre.x + 60, centre.y + 40, { steps: 5 });
    await page.mouse.up();
    s = await until(page, 'a window/level drag', async () => {
      const t = await state(page);
      return t.panes.original.voiRange?.lower !== -1350 ? t : undefined;
    });
    expect(s.panes.restored.voiRange!.lower).toBeCloseTo(s.panes.original.voiRange!.lower, 3);
    expect(s.panes.restored.voiRange!.upper).toBeCloseTo(s.panes.original.voiRange!.upper, 3);

    // Zoom (right-button drag) on the original: the restored pane follows.
    await page.mouse.move(centre.x, centre.y);
    await page.mouse.down({ button: 'right' });
    await page.mouse.move(centre.x, centre.y - 80, { steps: 5 });
    await page.mouse.up({ button: 'right' });
    s = await until(page, 'a zoom drag', async () => {
      const t = await state(page);
      return Math.abs(t.panes.original.zoom - 1) > 0.05 ? t : undefined;
    });
    expect(s.panes.restored.zoom).toBeCloseTo(s.panes.original.zoom, 4);

    // Slice sync off: scrolling the original leaves the restored pane where it was.
    await page.click('#sync-slice');
    expect((await state(page)).sync.slice).toBe(false);
    const held = (await state(page)).panes.restored.currentImageIdIndex;
    await page.mouse.move(centre.x, centre.y);
    await page.mouse.wheel(0, 120);
    await until(page, 'an unsynchronised scroll', async () => {
      const t = await state(page);
      return t.panes.original.currentImageIdIndex !== held ? t : undefined;
    });
    await new Promise((r) => setTimeout(r, 300));
    expect((await state(page)).panes.restored.currentImageIdIndex).toBe(held);

    // VOI sync off: a preset still sets both (an explicit choice), a drag only the original.
    await page.click('#sync-voi');
    await page.click('#presets button[data-preset="mediastinum"]');
    await page.mouse.move(centre.x, centre.y);
    await page.mouse.down();
    await page.mouse.move(centre.x - 50, centre.y + 30, { steps: 5 });
    await page.mouse.up();
    s = await until(page, 'a window drag without sync', async () => {
      const t = await state(page);
      return t.panes.original.voiRange?.lower !== -125 ? t : undefined;
    });
    expect(s.panes.restored.voiRange).toEqual({ lower: -125, upper: 225 });

    // Switching slice and VOI sync back on aligns the restored pane at once.
    await page.click('#sync-slice');
    await page.click('#sync-voi');
    s = await until(page, 'realignment', async () => {
      const t = await state(page);
      return t.panes.restored.currentImageIdIndex === t.panes.original.currentImageIdIndex &&
        t.panes.restored.voiRange?.lower === t.panes.original.voiRange?.lower
        ? t
        : undefined;
    });
    expect(s.sync).toEqual({ slice: true, voi: true, camera: true });
    await page.screenshot({ path: join(ARTIFACTS, '3-synced.png') });
  });

  it('shows restored − original colour-mapped in difference mode, and back', async () => {
    // The Scale selector works before the difference view is on: picking a scale shows the difference at it.
    expect((await state(page)).review.mode).toBe('restored');
    expect(await page.isDisabled('#diff-range')).toBe(false);
    await page.selectOption('#diff-range', '50');
    const at50 = await until(page, 'the difference images at ±50 HU', async () => {
      const t = await state(page);
      return t.panes.restored.imageId?.startsWith('gsdiff-diff:') && t.panes.restored.voiRange?.upper === 50
        ? t
        : undefined;
    });
    expect(at50.review.mode).toBe('difference');
    expect(await page.inputValue('#mode')).toBe('difference');
    expect(await page.textContent('#diff-scale')).toContain('+50 HU');
    await page.selectOption('#diff-range', '100');
    await page.selectOption('#mode', 'difference');
    const s = await until(page, 'the difference images', async () => {
      const t = await state(page);
      return t.panes.restored.imageId?.startsWith('gsdiff-diff:') && t.review.mode === 'difference' ? t : undefined;
    });
    expect(s.panes.restored.voiRange).toEqual({ lower: -100, upper: 100 });
    expect(s.panes.restored.colormap).toBe('Cool to Warm');
    expect(await page.isVisible('#diff-scale')).toBe(true);
    expect(await page.textContent('#derived-label')).toContain('DIFFERENCE');
    const diff = await until(page, 'a rendered difference', async () => {
      const c = await stats(page, 'restored');
      return c.distinct > 10 ? c : undefined;
    });
    expect(diff.nonBlank).toBeGreaterThan(diff.width * diff.height * 0.05);
    // The colour legend never covers the footer (slice, window, source), nor leaves the pane.
    const legend = (await page.locator('#diff-scale').boundingBox())!;
    const footer = (await page.locator('#info-restored').boundingBox())!;
    const pane = (await page.locator('#pane-restored').boundingBox())!;
    expect(footer.width).toBeGreaterThan(0);
    expect({ legend, footer, intersect: boxesIntersect(legend, footer) }).toMatchObject({ intersect: false });
    expect(legend.x).toBeGreaterThanOrEqual(pane.x);
    expect(legend.x + legend.width).toBeLessThanOrEqual(pane.x + pane.width + 0.5);
    expect(legend.y + legend.height).toBeLessThanOrEqual(pane.y + pane.height + 0.5);
    await page.screenshot({ path: join(ARTIFACTS, '4-difference.png') });

    await page.selectOption('#mode', 'restored');
    const back = await until(page, 'the restored images again', async () => {
      const t = await state(page);
      return t.panes.restored.imageId?.startsWith('wadors:') ? t : undefined;
    });
    expect(back.panes.restored.voiRange).toEqual(back.panes.original.voiRange);
    expect(await page.isVisible('#diff-scale')).toBe(false);
  });

  it('lists the job as done in the job list', async () => {
    const row = page.locator('#job-list li[data-state="done"]');
    await row.first().waitFor({ timeout: 10_000 });
    expect(await row.count()).toBe(1);
    expect(await row.first().locator('.meta').textContent()).toContain(`${SLICES}/${SLICES}`);
    expect(consoleErrors.filter((e) => !/favicon/.test(e))).toEqual([]);
  });

  it('selects the reviewed series in the series list when a job is reviewed from the job list', async () => {
    // A fresh page (the token is in sessionStorage): nothing picked in the browser, then Review.
    await page.reload();
    await page.waitForFunction(() => (globalThis as unknown as HookWindow).__gsdiff?.ready === true);
    const review = page.locator('#job-list li[data-state="done"] button.review');
    await review.first().waitFor({ timeout: 10_000 });
    expect(await page.locator('#series-list li').count()).toBe(0);
    await review.first().click();
    await until(page, 'the derived series of the reviewed job', async () => {
      const s = await state(page);
      return s.review.source === 'derived' && s.review.originalSeries === series ? s : undefined;
    });
    await page.locator(`#series-list li.selected[data-series="${series}"]`).waitFor({ timeout: 10_000 });
    expect(await page.locator(`#study-list li[data-study="${study}"]`).getAttribute('class')).toContain('selected');
    expect(await page.textContent('#job-target')).toContain('low dose phantom');
    expect(await page.isDisabled('#job-submit')).toBe(false);
    expect(consoleErrors.filter((e) => !/favicon/.test(e))).toEqual([]);
  });
});

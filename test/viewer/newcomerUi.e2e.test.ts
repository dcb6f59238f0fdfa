import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { createLogger } from '../../common/index.js';
import { newUid } from '../../pacs-adapters/index.js';
import { loadServerConfig, startServer, type RunningServer } from '../../server/index.js';
import { ensureViewerBuilt, freePort, haveChromium, launchChromium } from './browser.js';
import {
  openSeries,
  pageErrors,
  reportConsoleErrors,
  restoreAndWait,
  seriesContext,
  startViewerSession,
  state,
  stopViewerSession,
  storeCtPhantom,
  until,
  VIEWER_ARTIFACTS,
  type HookWindow,
} from './harness.js';

const TOKEN = 'viewer-newcomer-token-0123456789';
const SLICES = 12;
const SIZE = 64;
const LUNG = { lower: -1350, upper: 150 };

const describeIfChromium = haveChromium() ? describe : describe.skip;

/**
 * Three defects a newcomer met after issue 19 (found by the walk-through): the study list while the demo study is
 * generated, cancelling a job from the job list, window/level per series.
 */
describeIfChromium('newcomer: the study list while the demo study is generated (Chromium, real server)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gsdiff-viewer-demo-'));
  let running: RunningServer | undefined;
  let browser: Browser | undefined;
  const consoleErrors: string[] = [];

  afterAll(async () => {
    await browser?.close();
    await running?.close();
    rmSync(dir, { recursive: true, force: true });
  });
  afterEach(() => reportConsoleErrors(consoleErrors));

  it('says "Demo study being generated (n/N)…" in the empty list and lists the study by itself when it is ready', async () => {
    ensureViewerBuilt();
    mkdirSync(VIEWER_ARTIFACTS, { recursive: true });
    const port = await freePort();
    const config = loadServerConfig(
      { data: dir, port, demo: true, device: 'cpu', pack: join(process.cwd(), 'models/packs/tiny-test') },
      { GSDIFF_TOKEN: TOKEN },
    );
    browser = await launchChromium();
    const page = await browser.newPage({ viewport: { width: 1400, height: 800 } });
    page.on('pageerror', (e) => consoleErrors.push(`pageerror: ${e.message}`));
    // Every text the study list shows, from the first one on (the generation may be quick on an idle machine).
    await page.addInitScript(() => {
      // The page's DOM, typed here (the test project has no DOM lib).
      interface ListElement {
        readonly textContent: string | null;
      }
      const w = globalThis as unknown as {
        __studyTexts: string[];
        document: { getElementById(id: string): ListElement | null };
        MutationObserver: new (cb: () => void) => {
          observe(target: ListElement, o: { childList: boolean; subtree: boolean; characterData: boolean }): void;
        };
      };
      w.__studyTexts = [];
      const watch = (): void => {
        const list = w.document.getElementById('study-list');
        if (!list) return void setTimeout(watch, 10);
        const note = (): void => void w.__studyTexts.push(list.textContent ?? '');
        new w.MutationObserver(note).observe(list, { childList: true, subtree: true, characterData: true });
      };
      watch();
    });
    // Small, in-thread (ts-jest cannot start the demo's worker files): a few seconds of generation.
    running = await startServer(config, {
      logger: createLogger('silent'),
      version: 'test',
      demo: { sliceCount: 32, size: 128, endoscopyFrameCount: 8, workers: 0 },
    });
    await page.goto(`${running.url}/#token=${TOKEN}`);
    await page.waitForFunction(() => (globalThis as unknown as HookWindow).__gsdiff?.ready === true);
    // No click on ↻, no reload: the list fills by itself.
    await page.waitForSelector('#study-list li[data-study]', { timeout: 120_000 });
    const texts = await page.evaluate(() => (globalThis as unknown as { __studyTexts: string[] }).__studyTexts);
    const generating = texts.filter((t) => /^Demo study being generated \(\d+\/(\d+|\?)\)…/.test(t));
    expect(generating.length).toBeGreaterThan(0);
    expect(texts.some((t) => t.startsWith('No studies in the store'))).toBe(false);
    expect(running.status().demo).toEqual({ state: 'ready' });
    // Polling stopped: nothing more is asked of /api/status once the study is there.
    const asked: string[] = [];
    page.on('request', (r) => {
      if (r.url().includes('/api/status')) asked.push(r.url());
    });
    await new Promise((r) => setTimeout(r, 2500));
    expect(asked).toEqual([]);
    expect(pageErrors(consoleErrors)).toEqual([]);
  }, 180_000);
});

describeIfChromium('newcomer: job Cancel and window/level per series (Chromium, real server)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gsdiff-viewer-newcomer-'));
  const study = newUid();
  const seriesA = newUid();
  const seriesB = newUid();
  /** Larger, so that its job is still running when Cancel is pressed. */
  const seriesC = newUid();
  let running: RunningServer;
  let browser: Browser;
  let page: Page;
  const consoleErrors: string[] = [];

  beforeAll(async () => {
    ({ running, browser, page } = await startViewerSession(
      dir,
      TOKEN,
      async (running) => {
        for (const [series, description, seed] of [
          [seriesA, 'chest A', 1],
          [seriesB, 'chest B', 2],
        ] as const) {
          const ctx = seriesContext({
            studyInstanceUid: study,
            seriesInstanceUid: series,
            studyDescription: 'newcomer phantoms',
            seriesDescription: description,
          });
          await storeCtPhantom(running.store, ctx, { slices: SLICES, size: SIZE, seed });
        }
        const big = seriesContext({
          studyInstanceUid: study,
          seriesInstanceUid: seriesC,
          studyDescription: 'newcomer phantoms',
          seriesDescription: 'chest C (large)',
        });
        await storeCtPhantom(running.store, big, { slices: 32, size: 256, seed: 3 });
      },
      consoleErrors,
    ));
  }, 180_000);

  afterAll(() => stopViewerSession({ browser, running }, dir));
  afterEach(() => reportConsoleErrors(consoleErrors));

  it('keeps the lung window with its series, on both panes of the pair', async () => {
    await openSeries(page, study, seriesA, SLICES);
    await restoreAndWait(page, 'denoise', 1);
    await page.locator('body').click({ position: { x: 5, y: 5 } });
    await page.keyboard.press('1');
    let s = await state(page);
    expect([s.panes.original.voiRange, s.panes.restored.voiRange]).toEqual([LUNG, LUNG]);

    // Another series opens with its own default window, not the lung window.
    s = await openSeries(page, study, seriesB, SLICES);
    expect(s.panes.original.voiRange).not.toEqual(LUNG);
    const defaultB = s.panes.original.voiRange;

    // Back to A: the lung window is there again; its job's restored pane takes it too.
    s = await openSeries(page, study, seriesA, SLICES);
    expect(s.panes.original.voiRange).toEqual(LUNG);
    await page.click('#job-list li[data-state="done"] button.review');
    s = await until(page, 'the derived series of A with the lung window', async () => {
      const t = await state(page);
      return t.review.source === 'derived' && t.panes.restored.voiRange ? t : undefined;
    });
    expect([s.panes.original.voiRange, s.panes.restored.voiRange]).toEqual([LUNG, LUNG]);

    // B was never windowed: it still opens with its default.
    s = await openSeries(page, study, seriesB, SLICES);
    expect(s.panes.original.voiRange).toEqual(defaultB);
  }, 180_000);

  it('cancels a running job from its Cancel button and shows it cancelled', async () => {
    await openSeries(page, study, seriesC, 32);
    await page.selectOption('#job-task', 'denoise');
    await page.fill('#job-steps', '500');
    await page.click('#job-submit');
    const row = page.locator('#job-list li:has(button.cancel)');
    await row.first().waitFor({ timeout: 60_000 });
    const jobId = await row.first().getAttribute('data-job');
    expect(jobId).toBeTruthy();
    // Done jobs have no Cancel button.
    expect(await page.locator('#job-list li[data-state="done"] button.cancel').count()).toBe(0);
    await page.click(`#job-list li[data-job="${jobId}"] button.cancel`);
    await page.waitForSelector(
      ['cancelled', 'done', 'failed'].map((st) => `#job-list li[data-job="${jobId}"][data-state="${st}"]`).join(', '),
      { timeout: 60_000 },
    );
    const ended = await (
      await fetch(`${running.url}/api/jobs/${jobId}`, { headers: { authorization: `Bearer ${TOKEN}` } })
    ).json();
    expect((ended as { state: string }).state === 'cancelled' ? 'cancelled' : JSON.stringify(ended)).toBe('cancelled');
    expect(await page.locator(`#job-list li[data-job="${jobId}"] button.cancel`).count()).toBe(0);
    expect(await page.textContent(`#job-list li[data-job="${jobId}"] .state`)).toBe('cancelled');
    const record = (await (
      await fetch(`${running.url}/api/jobs/${jobId}`, { headers: { authorization: `Bearer ${TOKEN}` } })
    ).json()) as { state: string };
    expect(record.state).toBe('cancelled');
    expect(pageErrors(consoleErrors)).toEqual([]);
  }, 180_000);
});

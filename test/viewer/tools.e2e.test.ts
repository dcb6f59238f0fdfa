import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { newUid, parseInstance } from '../../pacs-adapters/index.js';
import type { RunningServer } from '../../server/index.js';
import { haveChromium } from './browser.js';
import {
  box,
  expectedEllipseStats,
  measurements,
  openSeries,
  pagePoint,
  paneCentre,
  restoreAndWait,
  seriesContext,
  sleep,
  state,
  storeCtPhantom,
  storedFrame,
  until,
  type HookMeasurement,
  type HookState,
  type Pane,
  reportConsoleErrors,
  startViewerSession,
  stopViewerSession,
  VIEWER_ARTIFACTS,
} from './harness.js';

const ARTIFACTS = VIEWER_ARTIFACTS;
const TOKEN = 'viewer-tools-token-0123456789';
const SLICES = 12;
const SIZE = 64;
const SPACING_MM = 20;
const PIXEL_MM = 5.6;
/** CT presets in key order 1-6 (viewer/src/presets.ts), as VOI ranges. */
const PRESET_RANGES = [
  { lower: -1350, upper: 150 },
  { lower: -125, upper: 225 },
  { lower: -150, upper: 250 },
  { lower: -45, upper: 105 },
  { lower: -500, upper: 1300 },
  { lower: 0, upper: 80 },
];

const describeIfChromium = haveChromium() ? describe : describe.skip;

/** Both panes at `index` (restored at its paired slice, here the same index), read from the viewports. */
async function bothAt(page: Page, index: number, what: string): Promise<HookState> {
  return until(page, what, async () => {
    const s = await state(page);
    return s.panes.original.currentImageIdIndex === index && s.panes.restored.currentImageIdIndex === index
      ? s
      : undefined;
  });
}

/** Drags with the left button from `a` to `b` (page coordinates), in steps so the tools see the motion. */
async function drag(page: Page, a: { x: number; y: number }, b: { x: number; y: number }): Promise<void> {
  await page.mouse.move(a.x, a.y);
  await page.mouse.down();
  await page.mouse.move(b.x, b.y, { steps: 8 });
  await page.mouse.up();
}

const measured = (m: HookMeasurement | undefined, pane: Pane): boolean =>
  !!m?.[pane] && (m.kind === 'length' ? m[pane]!.length !== undefined : m[pane]!.stats !== undefined);

/**
 * Keyboard shortcuts, mirrored measurements with ROI statistics, and pairing by slice position, against a real
 * server (tiny pack, CPU) with a 12-slice CT phantom and the derived series of a 1-step job.
 */
describeIfChromium('viewer tools (Chromium, real server)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gsdiff-viewer-tools-'));
  const study = newUid();
  const series = newUid();
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
          studyDescription: 'viewer tools phantom',
          seriesDescription: 'low dose phantom',
        });
        await storeCtPhantom(running.store, ctx, { slices: SLICES, size: SIZE, spacingMm: SPACING_MM });
      },
      consoleErrors,
    ));
    await openSeries(page, study, series, SLICES);
    await restoreAndWait(page, 'denoise', 1);
  }, 180_000);

  afterAll(() => stopViewerSession({ browser, running }, dir));
  afterEach(() => reportConsoleErrors(consoleErrors));

  it('moves both panes with the keyboard, sets presets 1-6, toggles difference and sync, and shows the help', async () => {
    await page.locator('body').click({ position: { x: 5, y: 5 } });
    await page.keyboard.press('Home');
    await bothAt(page, 0, 'Home');
    await page.keyboard.press('ArrowDown');
    await bothAt(page, 1, 'ArrowDown');
    await page.keyboard.press('PageDown');
    await bothAt(page, SLICES - 1, 'PageDown (clamped at the last slice)');
    await page.keyboard.press('PageUp');
    await bothAt(page, 1, 'PageUp');
    await page.keyboard.press('End');
    await bothAt(page, SLICES - 1, 'End');
    await page.keyboard.press('ArrowUp');
    await bothAt(page, SLICES - 2, 'ArrowUp');

    for (let i = 0; i < PRESET_RANGES.length; i++) {
      await page.keyboard.press(String(i + 1));
      const s = await state(page);
      expect(s.panes.original.voiRange).toEqual(PRESET_RANGES[i]);
      expect(s.panes.restored.voiRange).toEqual(PRESET_RANGES[i]);
    }

    // Digits typed into a field are not shortcuts.
    await page.click('#job-steps');
    await page.keyboard.press('1');
    expect((await state(page)).panes.original.voiRange).toEqual(PRESET_RANGES[5]);
    await page.fill('#job-steps', '1');
    await page.locator('body').click({ position: { x: 5, y: 5 } });

    await page.keyboard.press('d');
    await until(page, 'difference mode by key', async () => {
      const s = await state(page);
      return s.review.mode === 'difference' && s.panes.restored.imageId?.startsWith('gsdiff-diff:');
    });
    expect(await page.inputValue('#mode')).toBe('difference');
    await page.keyboard.press('D');
    await until(page, 'restored mode by key', async () => {
      const s = await state(page);
      return s.review.mode === 'restored' && s.panes.restored.imageId?.startsWith('wadors:');
    });

    // S: slice sync off; a wheel on the original moves only it; the keys then move both, keeping the offset.
    await page.keyboard.press('s');
    expect((await state(page)).sync.slice).toBe(false);
    expect(await page.isChecked('#sync-slice')).toBe(false);
    await page.keyboard.press('Home');
    await bothAt(page, 0, 'Home without sync: both panes move by the same step');
    const c = await paneCentre(page, 'original');
    await page.mouse.move(c.x, c.y);
    await page.mouse.wheel(0, 120);
    await until(
      page,
      'an unsynchronised wheel',
      async () => (await state(page)).panes.original.currentImageIdIndex === 1,
    );
    await sleep(300);
    expect((await state(page)).panes.restored.currentImageIdIndex).toBe(0);
    await page.keyboard.press('ArrowDown');
    await until(page, 'both panes one on, offset kept', async () => {
      const s = await state(page);
      return s.panes.original.currentImageIdIndex === 2 && s.panes.restored.currentImageIdIndex === 1;
    });
    await page.keyboard.press('s');
    await bothAt(page, 2, 'slice sync back on: realigned');
    expect(await page.isChecked('#sync-slice')).toBe(true);

    await page.keyboard.press('?');
    expect(await page.isVisible('#help')).toBe(true);
    const help = await page.textContent('#help-keys');
    for (const text of [
      'Space',
      'Cine: play / pause',
      'Page Down',
      'CT presets: 1 lung',
      'Difference view',
      'Slice sync',
    ]) {
      expect(help).toContain(text);
    }
    await page.screenshot({ path: join(ARTIFACTS, 'tools-1-help.png') });
    await page.keyboard.press('Escape');
    expect(await page.isVisible('#help')).toBe(false);
  });

  it('mirrors an elliptical ROI onto the restored pane, with HU statistics of each pane', async () => {
    await page.keyboard.press('Home');
    for (let i = 0; i < 6; i++) await page.keyboard.press('ArrowDown');
    await bothAt(page, 6, 'slice 7');
    await page.keyboard.press('e');
    expect((await state(page)).tool).toBe('ellipse');
    expect(await page.getAttribute('#left-tools button[data-tool="ellipse"]', 'aria-pressed')).toBe('true');

    // The ellipse tool draws from the centre out.
    const c = await paneCentre(page, 'original');
    await drag(page, c, { x: c.x + 90, y: c.y + 55 });
    const [m] = await until(page, 'a mirrored ellipse with statistics on both panes', async () => {
      const list = await measurements(page);
      return list.length === 1 && measured(list[0], 'original') && measured(list[0], 'restored') ? list : undefined;
    });
    const o = m.original!;
    const r = m.restored!;
    expect(m.kind).toBe('ellipse');
    expect(o.index).toBe(6);
    expect(r.index).toBe(6);
    expect(r.imageId.startsWith('wadors:')).toBe(true);
    expect(r.imageId).not.toBe(o.imageId);
    // Same image coordinates on both panes.
    expect(r.points).toHaveLength(4);
    r.points.forEach((p, i) => {
      expect(p[0]).toBeCloseTo(o.points[i][0], 6);
      expect(p[1]).toBeCloseTo(o.points[i][1], 6);
    });
    // The statistics are those of the stored pixels (original and derived instance) inside the ellipse.
    const shape = box(o.points);
    expect(shape.x1 - shape.x0).toBeGreaterThan(10);
    for (const pane of ['original', 'restored'] as const) {
      const pm = m[pane]!;
      const expected = expectedEllipseStats(await storedFrame(running.store, pm.imageId), SIZE, shape);
      expect(pm.valueUnit).toBe('HU');
      expect(pm.stats!.n).toBe(expected.n);
      expect(pm.stats!.mean).toBeCloseTo(expected.mean, 3);
      expect(pm.stats!.sd).toBeCloseTo(expected.sd, 3);
      expect(pm.stats!.min).toBe(expected.min);
      expect(pm.stats!.max).toBe(expected.max);
    }
    expect(o.stats!.n).toBeGreaterThan(100);
    // The untrained pack changes the pixels: the two panes' statistics differ.
    expect(Math.abs(r.stats!.sd - o.stats!.sd)).toBeGreaterThan(0.01);

    const row = page.locator('#measurement-list li[data-measurement="1"]');
    expect(await row.locator('.m-original').textContent()).toContain(`mean ${o.stats!.mean.toFixed(1)} HU`);
    expect(await row.locator('.m-restored').textContent()).toContain(`SD ${r.stats!.sd.toFixed(1)} HU`);
    expect(await row.locator('.m-ratio').textContent()).toBe(`SD ratio ${(r.stats!.sd / o.stats!.sd).toFixed(2)}`);
    // And on both canvases, next to the ellipses.
    for (const vp of ['#vp-original', '#vp-restored']) {
      expect(await page.locator(`${vp} svg ellipse`).count()).toBe(1);
      expect((await page.locator(`${vp} svg text`).allTextContents()).join(' ')).toContain('SD');
    }
    expect((await page.locator('#vp-restored svg text').allTextContents()).join(' ')).toContain(
      `SD ${r.stats!.sd.toFixed(1)} HU`,
    );
    await page.screenshot({ path: join(ARTIFACTS, 'tools-2-ellipse.png') });

    // Dragging the restored ellipse's right handle: the original's follows, both get new statistics.
    const handle = m.canvas.restored![3];
    const from = await pagePoint(page, 'restored', handle);
    await page.mouse.move(from.x, from.y);
    await sleep(100);
    await page.mouse.down();
    await page.mouse.move(from.x + 60, from.y, { steps: 8 });
    await page.mouse.up();
    const [moved] = await until(page, 'the edited ellipse mirrored back', async () => {
      const list = await measurements(page);
      const e = list[0];
      return e?.original &&
        e.restored &&
        e.original.points[3][0] > o.points[3][0] + 3 &&
        e.original.stats!.n > o.stats!.n
        ? list
        : undefined;
    });
    moved.restored!.points.forEach((p, i) => {
      expect(moved.original!.points[i][0]).toBeCloseTo(p[0], 6);
      expect(moved.original!.points[i][1]).toBeCloseTo(p[1], 6);
    });
    const again = expectedEllipseStats(await storedFrame(running.store, o.imageId), SIZE, box(moved.original!.points));
    expect(moved.original!.stats!.n).toBe(again.n);
    expect(moved.original!.stats!.mean).toBeCloseTo(again.mean, 3);
  });

  it('mirrors a length drawn on the restored pane, and keeps ROIs on the difference images', async () => {
    await page.keyboard.press('l');
    const c = await paneCentre(page, 'restored');
    await drag(page, { x: c.x - 100, y: c.y + 80 }, { x: c.x + 100, y: c.y + 80 });
    const list = await until(page, 'a mirrored length', async () => {
      const l = await measurements(page);
      return l.length === 2 && measured(l[1], 'original') && measured(l[1], 'restored') ? l : undefined;
    });
    const len = list[1];
    expect(len.kind).toBe('length');
    const [p0, p1] = len.restored!.points;
    const expected = Math.hypot(p1[0] - p0[0], p1[1] - p0[1]) * PIXEL_MM;
    expect(len.restored!.length).toBeCloseTo(expected, 6);
    expect(len.original!.length).toBeCloseTo(expected, 6);
    expect(len.original!.lengthUnit).toBe('mm');
    expect(expected).toBeGreaterThan(100);
    expect(await page.locator('#measurement-list li[data-measurement="2"] .m-original').textContent()).toContain(
      `${expected.toFixed(1)} mm`,
    );

    // Difference mode: the ellipse's mirror moves onto the difference image; its mean is restored − original.
    const ellipse = list[0];
    await page.keyboard.press('d');
    const diff = await until(page, 'ROIs on the difference images', async () => {
      const l = await measurements(page);
      const e = l[0];
      return e?.restored?.imageId.startsWith('gsdiff-diff:') && e.restored.stats ? e : undefined;
    });
    expect(diff.restored!.stats!.n).toBe(ellipse.original!.stats!.n);
    expect(diff.restored!.stats!.mean).toBeCloseTo(ellipse.restored!.stats!.mean - ellipse.original!.stats!.mean, 2);
    expect(await page.locator('#measurement-list li[data-measurement="1"] .m-restored').textContent()).toContain(
      'difference: mean',
    );
    await page.screenshot({ path: join(ARTIFACTS, 'tools-3-difference-roi.png') });
    await page.keyboard.press('d');
    await until(page, 'ROIs back on the derived images', async () => {
      const e = (await measurements(page))[0];
      return e?.restored?.imageId.startsWith('wadors:') && e.restored.stats?.n === ellipse.original!.stats!.n;
    });

    // Delete removes the last measurement, the panel's × the other; the annotations go from both panes.
    await page.keyboard.press('Delete');
    await until(page, 'the length removed', async () => (await measurements(page)).length === 1);
    await page.click('#measurement-list li[data-measurement="1"] button.remove');
    await until(page, 'no measurement left', async () => (await measurements(page)).length === 0);
    await sleep(100);
    for (const vp of ['#vp-original', '#vp-restored']) {
      expect(await page.locator(`${vp} svg ellipse`).count()).toBe(0);
      expect(await page.locator(`${vp} svg line`).count()).toBe(0);
    }
    await page.keyboard.press('w');
    expect((await state(page)).tool).toBe('windowLevel');
  });

  it('pairs a derived series with missing slices by position, not index', async () => {
    // Take slices 0, 1 and 7 (z = 0, 20, 140 mm) out of the stored derived series.
    const derivedUid = (await state(page)).review.derivedSeries!;
    const jobId = (await state(page)).job!.id;
    const kept: Uint8Array[] = [];
    for (const inst of running.store.listInstances(derivedUid)) {
      const bytes = await running.store.readInstanceBytes(inst.sopInstanceUid);
      const z = parseInstance(bytes, inst.sopInstanceUid).header.framePositions[0][2];
      if (![0, 20, 140].includes(Math.round(z))) kept.push(bytes);
    }
    expect(kept).toHaveLength(SLICES - 3);
    await running.store.deleteSeries(derivedUid);
    for (const bytes of kept) await running.store.storeInstance(bytes, 'test: derived series with missing slices');

    await page.click(`#job-list li[data-job="${jobId}"] button.review`);
    const s = await until(page, 'the shortened derived series', async () => {
      const t = await state(page);
      return t.review.source === 'derived' && t.panes.restored.images === SLICES - 3 ? t : undefined;
    });
    expect(s.review.pairing).toBe('position');
    expect(s.review.pairedSlices).toBe(SLICES - 3);
    expect(await page.textContent('#status')).toContain('paired by slice position');

    const at = async (index: number): Promise<HookState> => {
      await page.keyboard.press('Home');
      for (let i = 0; i < index; i++) await page.keyboard.press('ArrowDown');
      return until(page, `original slice ${index}`, async () => {
        const t = await state(page);
        return t.panes.original.currentImageIdIndex === index ? t : undefined;
      });
    };
    // Original slice 5 (z = 100) is derived slice 3: index pairing would show z = 160.
    await at(5);
    let t = await until(page, 'the restored slice at z = 100', async () => {
      const u = await state(page);
      return u.panes.restored.currentImageIdIndex === 3 ? u : undefined;
    });
    expect(t.panes.original.position).toBeCloseTo(100, 3);
    expect(t.panes.restored.position).toBeCloseTo(100, 3);
    expect(t.unpairedSlice).toBeUndefined();
    expect(await page.isVisible('#restored-pending')).toBe(false);

    // Slice 7 (z = 140) has no restored slice: the restored pane is covered, not left on z = 120.
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    t = await until(page, 'an unpaired slice', async () => {
      const u = await state(page);
      return u.unpairedSlice === 7 ? u : undefined;
    });
    expect(t.panes.original.currentImageIdIndex).toBe(7);
    expect(await page.isVisible('#restored-pending')).toBe(true);
    expect(await page.getAttribute('#restored-pending', 'data-cover')).toBe('unpaired');
    expect(await page.textContent('#restored-pending')).toContain('Slice 8: no restored slice at this position');
    await page.screenshot({ path: join(ARTIFACTS, 'tools-4-unpaired.png') });

    await page.keyboard.press('ArrowDown');
    t = await until(page, 'slice 8 paired again', async () => {
      const u = await state(page);
      return u.panes.original.currentImageIdIndex === 8 && u.panes.restored.currentImageIdIndex === 5 ? u : undefined;
    });
    expect(t.unpairedSlice).toBeUndefined();
    expect(t.panes.restored.position).toBeCloseTo(160, 3);

    // Scrolling the restored pane moves the original to the same position.
    const c = await paneCentre(page, 'restored');
    await page.mouse.move(c.x, c.y);
    await page.mouse.wheel(0, 120);
    t = await until(page, 'the original following the restored pane', async () => {
      const u = await state(page);
      return u.panes.restored.currentImageIdIndex === 6 && u.panes.original.currentImageIdIndex === 9 ? u : undefined;
    });
    expect(t.panes.original.position).toBeCloseTo(t.panes.restored.position!, 3);

    // The difference view subtracts paired slices only.
    await page.keyboard.press('d');
    t = await until(page, 'the difference of paired slices', async () => {
      const u = await state(page);
      return u.panes.restored.imageId?.startsWith('gsdiff-diff:') ? u : undefined;
    });
    expect(t.panes.restored.images).toBe(SLICES - 3);
    expect(t.panes.restored.position).toBeCloseTo(t.panes.original.position!, 3);
    await page.keyboard.press('d');
    await page.keyboard.press('Home');
    const first = await until(page, 'slice 1 unpaired', async () => {
      const u = await state(page);
      return u.unpairedSlice === 0 && u.review.mode === 'restored' ? u : undefined;
    });
    expect(first.panes.original.currentImageIdIndex).toBe(0);
    expect(await page.isVisible('#restored-pending')).toBe(true);
    expect(consoleErrors.filter((e) => !/favicon/.test(e))).toEqual([]);
  });
});

import { MARKER_MAX_POINTS, svgLinePlot } from '../../../validation/report/svgLinePlot.js';

// Plot area of the default 640x300 plot: margins l 64, r 150, t 28, b 44.
const AREA = { left: 64, right: 490, top: 28, bottom: 256 };

interface Marker {
  readonly x: number;
  readonly y: number;
  readonly offscale: boolean;
}

/** The markers of each series (by name), read back from the SVG. */
function markers(svg: string): Map<string, Marker[]> {
  const out = new Map<string, Marker[]>();
  for (const g of svg.matchAll(/<g class="series" data-name="([^"]*)"[^>]*>(.*?)<\/g>/g)) {
    out.set(
      g[1],
      [...g[2].matchAll(/<path class="marker( offscale)?" transform="translate\(([^ ]+) ([^)]+)\)"/g)].map((p) => ({
        x: Number(p[2]),
        y: Number(p[3]),
        offscale: p[1] !== undefined,
      })),
    );
  }
  return out;
}

/** Every number in the SVG's attributes. */
function attributeNumbers(svg: string): string[] {
  return [...svg.matchAll(/="([^"]*)"/g)].flatMap((a) => a[1].match(/[-+]?[0-9.]*[0-9a-zA-Z]+/g) ?? []);
}

const inside = (m: Marker): boolean =>
  Number.isFinite(m.x) &&
  Number.isFinite(m.y) &&
  m.x >= AREA.left &&
  m.x <= AREA.right &&
  m.y >= AREA.top &&
  m.y <= AREA.bottom;

/** The x tick labels (text under the plot area). */
const xTicks = (svg: string): { x: number; label: string }[] =>
  [...svg.matchAll(/<text x="([^"]+)" y="272" text-anchor="middle">([^<]*)<\/text>/g)].map((t) => ({
    x: Number(t[1]),
    label: t[2],
  }));

const opts = { title: 'PSNR', xLabel: 'slice', yLabel: 'dB', integerX: true };

describe('svgLinePlot', () => {
  it('draws a one-point series as a marker on a single centred tick labelled with the slice number', () => {
    const svg = svgLinePlot(
      [
        { name: 'input', x: [7], y: [31.2] },
        { name: 'bilateral', x: [7], y: [35.9] },
      ],
      opts,
    );
    const ms = markers(svg);
    expect([...ms.keys()]).toEqual(['input', 'bilateral']);
    for (const [, m] of ms) {
      expect(m).toHaveLength(1);
      expect(inside(m[0])).toBe(true);
      expect(m[0].x).toBeCloseTo((AREA.left + AREA.right) / 2, 0);
    }
    // Higher value higher up; the two points are apart.
    expect(ms.get('bilateral')?.[0].y).toBeLessThan((ms.get('input')?.[0].y ?? 0) - 50);
    expect(xTicks(svg)).toEqual([{ x: (AREA.left + AREA.right) / 2, label: '7' }]);
    expect(svg).not.toMatch(/NaN|Infinity/);
  });

  it('gives an all-equal series a y range around its value, with the marker in the middle', () => {
    const svg = svgLinePlot([{ name: 'identity', x: [1, 2, 3], y: [0.98, 0.98, 0.98] }], { ...opts, title: 'SSIM' });
    const m = markers(svg).get('identity') ?? [];
    expect(m).toHaveLength(3);
    for (const p of m) expect(p.y).toBeCloseTo((AREA.top + AREA.bottom) / 2, 0);
    // Ticks stay near the value (±5 %), not ±1 around an SSIM of 0.98.
    const yLabels = [...svg.matchAll(/text-anchor="end">([^<]*)</g)].map((t) => Number(t[1]));
    expect(yLabels.length).toBeGreaterThanOrEqual(2);
    for (const v of yLabels) expect(Math.abs(v - 0.98)).toBeLessThan(0.1);
    expect(svg).not.toMatch(/NaN|Infinity/);
  });

  it('puts +∞ on the top edge, leaves NaN out and says both in the legend', () => {
    const svg = svgLinePlot(
      [
        { name: 'identity', x: [1, 2, 3], y: [Infinity, Infinity, Infinity] },
        { name: 'input', x: [1, 2, 3], y: [30, NaN, 32] },
      ],
      opts,
    );
    const ms = markers(svg);
    const identity = ms.get('identity') ?? [];
    expect(identity).toHaveLength(3);
    for (const p of identity) {
      expect(p.offscale).toBe(true);
      expect(p.y).toBe(AREA.top);
      expect(p.x).toBeGreaterThanOrEqual(AREA.left);
    }
    const input = ms.get('input') ?? [];
    expect(input).toHaveLength(2); // the NaN slice is a gap: two isolated points, both marked
    expect(input.every(inside)).toBe(true);
    expect(svg).toContain('3 at +∞ (top edge)');
    expect(svg).toContain('1 without value');
    expect(svg).not.toMatch(/NaN|Infinity/);
    expect(attributeNumbers(svg).filter((n) => /NaN|Infinity/.test(n))).toEqual([]);
  });

  it('writes a note instead of points when nothing can be drawn', () => {
    const svg = svgLinePlot([{ name: 'input', x: [1], y: [NaN] }], {
      ...opts,
      emptyText: 'no adjacent pair: one slice',
    });
    expect(svg).toContain('no adjacent pair: one slice');
    expect(markers(svg).get('input')).toEqual([]);
    expect(xTicks(svg)).toEqual([]); // no placeholder 0…1 axis
    expect(xTicks(svg)).toEqual([]); // no placeholder 0…1 axis
    expect(svg).not.toMatch(/NaN|Infinity/);
  });

  it('marks every point of a short series, only isolated points of a long one, and keeps integer ticks', () => {
    const short = svgLinePlot([{ name: 'a', x: [1, 2], y: [1, 2] }], opts);
    expect(markers(short).get('a')).toHaveLength(2);
    expect(xTicks(short).map((t) => t.label)).toEqual(['1', '2']);
    const n = MARKER_MAX_POINTS + 10;
    const x = Array.from({ length: n }, (_, i) => i + 1);
    const y = x.map((v) => (v === 10 || v === 12 ? NaN : Math.sin(v)));
    const long = svgLinePlot([{ name: 'a', x, y }], opts);
    expect(markers(long).get('a')?.length).toBe(1); // slice 11, between two gaps
    expect(long).toContain('<path d="M');
    for (const t of xTicks(long)) expect(Number.isInteger(Number(t.label))).toBe(true);
  });

  it('keeps a log-scale NPS plot finite, zero values on the bottom edge', () => {
    const f = Array.from({ length: 32 }, (_, i) => (i + 1) / 64);
    const svg = svgLinePlot(
      [
        { name: 'input', x: f, y: f.map((v) => 100 / (1 + v)) },
        { name: 'identity', x: f, y: f.map((v, i) => (i === 0 ? 0 : 100 / (1 + v))) },
      ],
      { title: 'NPS', xLabel: 'f', yLabel: 'NPS', logY: true },
    );
    expect(markers(svg).get('input')).toEqual([]); // 32 points: a line
    expect(markers(svg).get('identity')).toEqual([expect.objectContaining({ offscale: true, y: AREA.bottom })]);
    expect(svg).toContain('1 ≤ 0 (bottom edge)');
    expect(svg).not.toMatch(/NaN|Infinity/);
  });
});

/** One line of a plot. */
export interface PlotSeries {
  readonly name: string;
  readonly x: ArrayLike<number>;
  readonly y: ArrayLike<number>;
}

export interface PlotOptions {
  readonly title: string;
  readonly xLabel: string;
  readonly yLabel: string;
  readonly width?: number;
  readonly height?: number;
  readonly logY?: boolean;
}

/** Colour-blind-safe palette (Okabe & Ito 2008), one colour per method in a fixed order. */
export const PALETTE = ['#000000', '#E69F00', '#56B4E9', '#009E73', '#D55E00', '#0072B2', '#CC79A7', '#F0E442'];

const esc = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function niceTicks(lo: number, hi: number, n = 5): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / n;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? raw;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push(Number(v.toPrecision(12)));
  return out;
}

/**
 * A self-contained SVG line chart (no script, no external font), so a report opens anywhere, prints and archives.
 * Non-finite points are gaps. Lines are drawn in PALETTE order with a legend.
 */
export function svgLinePlot(series: readonly PlotSeries[], o: PlotOptions): string {
  const W = o.width ?? 640;
  const H = o.height ?? 300;
  const m = { l: 64, r: 150, t: 28, b: 44 };
  const tf = (v: number): number => (o.logY ? Math.log10(v) : v);
  const pts = series.flatMap((s) =>
    Array.from({ length: s.x.length }, (_, i) => [s.x[i], tf(s.y[i])]).filter(
      ([x, y]) => Number.isFinite(x) && Number.isFinite(y),
    ),
  );
  const xs = pts.map((p) => p[0]);
  const ys = pts.map((p) => p[1]);
  let [x0, x1] = xs.length ? [Math.min(...xs), Math.max(...xs)] : [0, 1];
  let [y0, y1] = ys.length ? [Math.min(...ys), Math.max(...ys)] : [0, 1];
  if (x1 === x0) [x0, x1] = [x0 - 1, x1 + 1];
  if (y1 === y0) [y0, y1] = [y0 - 1, y1 + 1];
  const pad = (y1 - y0) * 0.05;
  y0 -= pad;
  y1 += pad;
  const px = (x: number): number => m.l + ((x - x0) / (x1 - x0)) * (W - m.l - m.r);
  const py = (y: number): number => H - m.b - ((y - y0) / (y1 - y0)) * (H - m.t - m.b);
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="11">`,
    `<title>${esc(o.title)}</title>`,
    `<text x="${m.l}" y="16" font-size="13" font-weight="bold">${esc(o.title)}</text>`,
    `<rect x="${m.l}" y="${m.t}" width="${W - m.l - m.r}" height="${H - m.t - m.b}" fill="none" stroke="#888"/>`,
  ];
  for (const t of niceTicks(x0, x1)) {
    parts.push(
      `<line x1="${px(t)}" y1="${H - m.b}" x2="${px(t)}" y2="${H - m.b + 4}" stroke="#888"/>`,
      `<text x="${px(t)}" y="${H - m.b + 16}" text-anchor="middle">${t}</text>`,
    );
  }
  for (const t of niceTicks(y0, y1)) {
    const label = o.logY ? (10 ** t).toPrecision(2) : String(t);
    parts.push(
      `<line x1="${m.l}" y1="${py(t)}" x2="${W - m.r}" y2="${py(t)}" stroke="#eee"/>`,
      `<text x="${m.l - 6}" y="${py(t) + 4}" text-anchor="end">${label}</text>`,
    );
  }
  parts.push(
    `<text x="${(m.l + W - m.r) / 2}" y="${H - 8}" text-anchor="middle">${esc(o.xLabel)}</text>`,
    `<text transform="translate(14 ${(m.t + H - m.b) / 2}) rotate(-90)" text-anchor="middle">${esc(o.yLabel)}${o.logY ? ' (log)' : ''}</text>`,
  );
  series.forEach((s, k) => {
    const colour = PALETTE[k % PALETTE.length];
    let d = '';
    let pen = false;
    for (let i = 0; i < s.x.length; i++) {
      const y = tf(s.y[i]);
      if (!Number.isFinite(s.x[i]) || !Number.isFinite(y)) {
        pen = false;
        continue;
      }
      d += `${pen ? 'L' : 'M'}${px(s.x[i]).toFixed(1)},${py(y).toFixed(1)}`;
      pen = true;
    }
    if (d) parts.push(`<path d="${d}" fill="none" stroke="${colour}" stroke-width="1.6"/>`);
    const ly = m.t + 14 + k * 16;
    parts.push(
      `<line x1="${W - m.r + 10}" y1="${ly - 4}" x2="${W - m.r + 28}" y2="${ly - 4}" stroke="${colour}" stroke-width="2"/>`,
      `<text x="${W - m.r + 32}" y="${ly}">${esc(s.name)}</text>`,
    );
  });
  parts.push('</svg>');
  return parts.join('');
}

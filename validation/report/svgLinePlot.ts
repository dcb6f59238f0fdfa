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
  /** The x values are whole numbers (slice or frame numbers): integer ticks, at least half a step of room each side. */
  readonly integerX?: boolean;
  /** Written in the plot area when no point can be drawn (default "no finite values"). */
  readonly emptyText?: string;
}

/** Colour-blind-safe palette (Okabe & Ito 2008), one colour per method in a fixed order. */
export const PALETTE = ['#000000', '#E69F00', '#56B4E9', '#009E73', '#D55E00', '#0072B2', '#CC79A7', '#F0E442'];

/**
 * A series with at most this many drawable points gets a marker at every point, as Plotly's scatter defaults to
 * "lines+markers" under 20 points; longer series get markers only at isolated points, which a line cannot show.
 */
export const MARKER_MAX_POINTS = 20;

/**
 * Marker shapes around (0, 0), one per series in PALETTE order, drawn hollow: where two methods coincide (identity
 * and input) both outlines stay visible.
 */
const SHAPES = [
  'M3.6,0A3.6,3.6 0 1 1 -3.6,0A3.6,3.6 0 1 1 3.6,0Z', // circle
  'M-3.2,-3.2H3.2V3.2H-3.2Z', // square
  'M0,-4.4L4.4,0L0,4.4L-4.4,0Z', // diamond
  'M0,-4.2L3.9,3.1H-3.9Z', // triangle up
  'M0,4.2L3.9,-3.1H-3.9Z', // triangle down
  'M-1.3,-4H1.3V-1.3H4V1.3H1.3V4H-1.3V1.3H-4V-1.3H-1.3Z', // plus
  'M-4,-2.2L4,-2.2L0,4.4Z', // wide triangle down
  'M0,-4.4L4.2,-1.4L2.6,3.6H-2.6L-4.2,-1.4Z', // pentagon
];
/** Off-scale markers on the frame: an arrowhead pointing out of the plot. */
const ABOVE = 'M0,-5L4,2H-4Z';
const BELOW = 'M0,5L4,-2H-4Z';

const esc = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** SVG coordinate: one decimal, never NaN (callers only pass finite values; this guards the file anyway). */
const c = (v: number): string => (Number.isFinite(v) ? v.toFixed(1) : '0');

function niceTicks(lo: number, hi: number, integer: boolean, n = 5): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / n;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const steps = [1, 2, 2.5, 5, 10].map((m) => m * mag).filter((s) => !integer || (s >= 1 && Number.isInteger(s)));
  const step = steps.find((s) => s >= raw) ?? (integer ? Math.max(1, Math.ceil(raw)) : raw);
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push(Number(v.toPrecision(12)));
  return out;
}

/** Where point i of a series goes: on the plot, on the top or bottom frame (±∞ after the axis transform), or nowhere. */
type Place = 'plot' | 'above' | 'below' | 'none';

/**
 * A self-contained SVG line chart (no script, no external font), so a report opens anywhere, prints and archives.
 * Series are drawn in PALETTE order with a legend. Markers show the points of short series (up to
 * MARKER_MAX_POINTS) and isolated points of long ones, so a one-slice series is a visible point on a single centred
 * tick. Non-finite values break the line: +∞ / −∞ (after the log of `logY`) are arrowheads on the top / bottom
 * frame, NaN is left out, and the legend counts both under the series' name. An all-equal series gets a y range
 * of ±5 % around its value. The SVG never holds a NaN or infinite coordinate.
 */
export function svgLinePlot(series: readonly PlotSeries[], o: PlotOptions): string {
  const W = o.width ?? 640;
  const H = o.height ?? 300;
  const m = { l: 64, r: 150, t: 28, b: 44 };
  const tf = (v: number): number => (o.logY ? Math.log10(v) : v);
  const placed = series.map((s) =>
    Array.from({ length: s.x.length }, (_, i): { x: number; y: number; place: Place } => {
      const x = s.x[i];
      const y = tf(s.y[i]);
      const place: Place = !Number.isFinite(x)
        ? 'none'
        : Number.isFinite(y)
          ? 'plot'
          : y === Infinity
            ? 'above'
            : y === -Infinity
              ? 'below'
              : 'none';
      return { x, y, place };
    }),
  );
  const all = placed.flat();
  const xs = all.filter((p) => p.place !== 'none').map((p) => p.x);
  const ys = all.filter((p) => p.place === 'plot').map((p) => p.y);

  // 1. Domain: the data's range; a single x value is centred with its own tick, a single y value gets ±5 %.
  let [x0, x1] = xs.length ? [Math.min(...xs), Math.max(...xs)] : [0, 1];
  let [y0, y1] = ys.length ? [Math.min(...ys), Math.max(...ys)] : [0, 1];
  const singleX = xs.length > 0 && x1 === x0;
  if (singleX) {
    const d = o.integerX ? 0.5 : x0 !== 0 ? Math.abs(x0) * 0.05 : 0.5;
    [x0, x1] = [x0 - d, x1 + d];
  } else {
    const d = Math.max((x1 - x0) * 0.02, o.integerX ? 0.5 : 0);
    [x0, x1] = [x0 - d, x1 + d];
  }
  if (y1 === y0) {
    const d = y0 !== 0 ? Math.abs(y0) * 0.05 : 1;
    [y0, y1] = [y0 - d, y1 + d];
  }
  const pad = (y1 - y0) * 0.05;
  y0 -= pad;
  y1 += pad;
  const right = W - m.r;
  const bottom = H - m.b;
  const px = (x: number): number => m.l + ((x - x0) / (x1 - x0)) * (right - m.l);
  const py = (y: number): number => bottom - ((y - y0) / (y1 - y0)) * (bottom - m.t);

  // 2. Frame, ticks and labels.
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="11">`,
    `<title>${esc(o.title)}</title>`,
    `<text x="${m.l}" y="16" font-size="13" font-weight="bold">${esc(o.title)}</text>`,
    `<rect x="${m.l}" y="${m.t}" width="${right - m.l}" height="${bottom - m.t}" fill="none" stroke="#888"/>`,
  ];
  // Without a finite value an axis would only show the [0, 1] placeholder: leave its ticks out.
  for (const t of !xs.length ? [] : singleX ? [xs[0]] : niceTicks(x0, x1, o.integerX === true)) {
    parts.push(
      `<line x1="${c(px(t))}" y1="${bottom}" x2="${c(px(t))}" y2="${bottom + 4}" stroke="#888"/>`,
      `<text x="${c(px(t))}" y="${bottom + 16}" text-anchor="middle">${String(Number(t.toPrecision(10)))}</text>`,
    );
  }
  for (const t of ys.length ? niceTicks(y0, y1, false) : []) {
    const label = o.logY ? (10 ** t).toPrecision(2) : String(t);
    parts.push(
      `<line x1="${m.l}" y1="${c(py(t))}" x2="${right}" y2="${c(py(t))}" stroke="#eee"/>`,
      `<text x="${m.l - 6}" y="${c(py(t) + 4)}" text-anchor="end">${label}</text>`,
    );
  }
  parts.push(
    `<text x="${(m.l + right) / 2}" y="${H - 8}" text-anchor="middle">${esc(o.xLabel)}</text>`,
    `<text transform="translate(14 ${(m.t + bottom) / 2}) rotate(-90)" text-anchor="middle">${esc(o.yLabel)}${o.logY ? ' (log)' : ''}</text>`,
  );
  const drawn = all.some((p) => p.place !== 'none');
  if (!drawn)
    parts.push(
      `<text x="${(m.l + right) / 2}" y="${(m.t + bottom) / 2}" text-anchor="middle" fill="#666">${esc(o.emptyText ?? 'no finite values')}</text>`,
    );

  // 3. Each series: its line (broken at non-finite values), markers, off-scale arrowheads and legend entry.
  let ly = m.t + 14;
  series.forEach((s, k) => {
    const colour = PALETTE[k % PALETTE.length];
    const shape = SHAPES[k % SHAPES.length];
    const pts = placed[k];
    const onPlot = pts.filter((p) => p.place === 'plot').length;
    const isPlot = (i: number): boolean => pts[i]?.place === 'plot';
    let d = '';
    const marks: string[] = [];
    pts.forEach((p, i) => {
      if (p.place === 'plot') {
        d += `${isPlot(i - 1) ? 'L' : 'M'}${c(px(p.x))},${c(py(p.y))}`;
        if (onPlot <= MARKER_MAX_POINTS || (!isPlot(i - 1) && !isPlot(i + 1)))
          marks.push(`<path class="marker" transform="translate(${c(px(p.x))} ${c(py(p.y))})" d="${shape}"/>`);
      } else if (p.place === 'above' || p.place === 'below') {
        const edge = p.place === 'above' ? m.t : bottom;
        marks.push(
          `<path class="marker offscale" transform="translate(${c(px(p.x))} ${edge})" d="${p.place === 'above' ? ABOVE : BELOW}" fill="${colour}"/>`,
        );
      }
    });
    parts.push(
      `<g class="series" data-name="${esc(s.name)}" fill="none" stroke="${colour}" stroke-width="1.5">`,
      ...(d.includes('L') ? [`<path d="${d}" fill="none" stroke="${colour}" stroke-width="1.6"/>`] : []),
      ...marks,
      '</g>',
    );

    const above = pts.filter((p) => p.place === 'above').length;
    const below = pts.filter((p) => p.place === 'below').length;
    const none = pts.filter((p) => p.place === 'none').length;
    const notes = [
      ...(above ? [`${above} at +∞ (top edge)`] : []),
      ...(below ? [`${below} ${o.logY ? '≤ 0' : 'at −∞'} (bottom edge)`] : []),
      ...(none && none < pts.length ? [`${none} without value`] : []),
      ...(pts.length && none === pts.length && drawn ? ['no value'] : []),
    ];
    const lx = right + 10;
    parts.push(
      `<line x1="${lx}" y1="${ly - 4}" x2="${lx + 18}" y2="${ly - 4}" stroke="${colour}" stroke-width="2"/>`,
      ...(onPlot <= MARKER_MAX_POINTS
        ? [
            `<path transform="translate(${lx + 9} ${ly - 4})" d="${shape}" fill="#fff" stroke="${colour}" stroke-width="1.5"/>`,
          ]
        : []),
      `<text x="${lx + 22}" y="${ly}">${esc(s.name)}</text>`,
      ...notes.map(
        (n, j) => `<text x="${lx + 22}" y="${ly + 12 * (j + 1)}" font-size="9" fill="#555">${esc(n)}</text>`,
      ),
    );
    ly += 16 + 12 * notes.length;
  });
  parts.push('</svg>');
  return parts.join('');
}

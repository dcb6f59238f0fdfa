export interface Series {
  readonly name: string;
  readonly color: string;
  readonly points: readonly (readonly [number, number])[];
}

export interface Panel {
  readonly title: string;
  readonly yLabel: string;
  readonly series: readonly Series[];
}

const W = 760;
const PH = 220;
const M = { left: 64, right: 150, top: 28, bottom: 36 };

/** Stacked line-chart panels sharing a time axis (minutes), as one self-contained SVG (no script, no fonts). */
export function svgPanels(panels: readonly Panel[], xMaxMin: number): string {
  const out: string[] = [];
  const height = panels.length * (PH + M.top + M.bottom);
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${height}" viewBox="0 0 ${W} ${height}" font-family="sans-serif" font-size="11">`,
    `<rect width="${W}" height="${height}" fill="white"/>`,
  );
  panels.forEach((p, i) => {
    const y0 = i * (PH + M.top + M.bottom) + M.top;
    const pw = W - M.left - M.right;
    const all = p.series.flatMap((s) => s.points.map(([, y]) => y)).filter(Number.isFinite);
    const yMax = niceMax(Math.max(1, ...all));
    const sx = (x: number): number => M.left + (x / Math.max(xMaxMin, 1e-9)) * pw;
    const sy = (y: number): number => y0 + PH - (y / yMax) * PH;
    out.push(`<text x="${M.left}" y="${y0 - 10}" font-size="13" font-weight="bold">${esc(p.title)}</text>`);
    out.push(`<rect x="${M.left}" y="${y0}" width="${pw}" height="${PH}" fill="none" stroke="#999"/>`);
    for (let k = 0; k <= 4; k++) {
      const v = (yMax * k) / 4;
      out.push(
        `<line x1="${M.left}" x2="${M.left + pw}" y1="${sy(v)}" y2="${sy(v)}" stroke="#eee"/>`,
        `<text x="${M.left - 6}" y="${sy(v) + 4}" text-anchor="end">${fmt(v)}</text>`,
      );
    }
    const xStep = niceStep(xMaxMin);
    for (let x = 0; x <= xMaxMin + 1e-9; x += xStep) {
      out.push(`<text x="${sx(x)}" y="${y0 + PH + 14}" text-anchor="middle">${fmt(x)}</text>`);
    }
    out.push(
      `<text x="${M.left + pw / 2}" y="${y0 + PH + 30}" text-anchor="middle">minutes</text>`,
      `<text transform="translate(14 ${y0 + PH / 2}) rotate(-90)" text-anchor="middle">${esc(p.yLabel)}</text>`,
    );
    p.series.forEach((s, j) => {
      const pts = s.points.filter(([, y]) => Number.isFinite(y));
      if (pts.length > 0) {
        const d = pts.map(([x, y], k) => `${k ? 'L' : 'M'}${sx(x).toFixed(1)} ${sy(y).toFixed(1)}`).join(' ');
        out.push(`<path d="${d}" fill="none" stroke="${s.color}" stroke-width="1.5"/>`);
      }
      const ly = y0 + 12 + j * 16;
      out.push(
        `<line x1="${M.left + pw + 10}" x2="${M.left + pw + 28}" y1="${ly - 4}" y2="${ly - 4}" stroke="${s.color}" stroke-width="2"/>`,
        `<text x="${M.left + pw + 32}" y="${ly}">${esc(s.name)}</text>`,
      );
    });
  });
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}

function niceMax(v: number): number {
  const e = 10 ** Math.floor(Math.log10(v));
  return [1, 2, 2.5, 5, 10].map((m) => m * e).find((c) => c >= v) ?? 10 * e;
}

function niceStep(span: number): number {
  return niceMax(Math.max(span, 1e-9) / 6);
}

function fmt(v: number): string {
  return Number.isInteger(v) ? String(v) : v.toFixed(v < 10 ? 1 : 0);
}

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;');
}

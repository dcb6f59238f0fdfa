import { svgLinePlot } from '../report/svgLinePlot.js';
import type { SeriesNoiseCheck } from './checkSeriesNoise.js';
import type { LcdCheck } from './checkLcdSet.js';
import { describeKernel } from './NoiseKernel.js';

const esc = (s: string): string =>
  s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c] as string);
const pct = (x: number): string => `${x >= 0 ? '+' : ''}${(100 * x).toFixed(1)} %`;

/** The noise-check table: one row per series, then the LCD-CT rows. Plain text, for the terminal and RESULTS.md. */
export function noiseCheckTable(series: readonly SeriesNoiseCheck[], lcd?: LcdCheck): string {
  const head =
    '| series | kernel (DICOM) | px mm | own noise: estimator, mean f, peak f (/mm), SD HU | inserted at 25 %: mean f, peak f, SD | mean f error | matched kernel, I0 | SD / own at 50, 25, 10 %, quantum noise (law 1.41, 2.00, 3.16) | same with electronic noise σe² = 10 |';
  const lines = series.map((c) => {
    const m = c.model;
    const law = c.doseLaw.map((r) => `${r.quantumRatio.toFixed(2)} (${pct(r.quantumError)})`).join(', ');
    const withElectronic = c.doseLaw.map((r) => `${r.ratio.toFixed(2)} (${pct(r.error)})`).join(', ');
    return (
      `| ${c.label} | ${m.convolutionKernel ?? '-'} | ${c.pixelSizeMm.toFixed(3)} | ${m.own.estimator}, ` +
      `${c.ownNps.meanFrequency.toFixed(3)}, ${c.ownNps.peakFrequency.toFixed(3)}, ${m.own.sdHu.toFixed(1)} | ` +
      `${c.insertedNps.meanFrequency.toFixed(3)}, ${c.insertedNps.peakFrequency.toFixed(3)}, ${Math.sqrt(c.insertedNps.variance).toFixed(1)} | ` +
      `${pct(c.meanFrequencyError)} | ${describeKernel(m.kernel)}, ${m.incidentPhotons.toExponential(2)} | ${law} | ${withElectronic} |`
    );
  });
  const out = [head, `|${'---|'.repeat(9)}`, ...lines];
  if (lcd) {
    out.push(
      '',
      `FDA LCD-CT set (kernel ${describeKernel(lcd.kernel)} and I0 ${lcd.incidentPhotons.toExponential(2)} fitted on its 100 % noise only):`,
      '',
      '| dose | set: mean f, peak f (/mm), SD HU | ours: mean f, peak f, SD | mean f error | SD error |',
      `|${'---|'.repeat(5)}`,
      ...lcd.rows.map(
        (r) =>
          `| ${Math.round(r.doseFraction * 100)} % | ${r.set.meanFrequency.toFixed(3)}, ${r.set.peakFrequency.toFixed(3)}, ` +
          `${Math.sqrt(r.set.variance).toFixed(1)} | ${r.ours.meanFrequency.toFixed(3)}, ${r.ours.peakFrequency.toFixed(3)}, ` +
          `${Math.sqrt(r.ours.variance).toFixed(1)} | ${pct(r.meanFrequencyError)} | ${pct(r.sdError)} |`,
      ),
    );
  }
  return `${out.join('\n')}\n`;
}

function npsFigure(
  title: string,
  curves: { name: string; f: Float64Array; nps: Float64Array }[],
  normalise = false,
): string {
  // normalised: each curve over its own sum, so textures of different levels overlay (the shape is what is matched)
  const y = (nps: Float64Array): Float64Array => {
    if (!normalise) return nps;
    const sum = nps.reduce((a, b) => a + b, 0);
    return nps.map((v) => (sum > 0 ? v / sum : 0));
  };
  return `<figure>${svgLinePlot(
    curves.map((c) => ({ name: c.name, x: c.f, y: y(c.nps) })),
    {
      title,
      xLabel: 'spatial frequency (cycles/mm)',
      yLabel: normalise ? 'NPS / its sum (texture)' : 'NPS (HU² mm²)',
      width: 520,
      height: 300,
    },
  )}</figure>`;
}

/**
 * A self-contained HTML page (no script, no network) of the noise check: the table, then per series one plot of the
 * own NPS against the NPS of the noise inserted at 25 %, and per LCD-CT dose the set's NPS against ours.
 */
export function renderNoiseCheckHtml(
  series: readonly SeriesNoiseCheck[],
  lcd: LcdCheck | undefined,
  provenance: { command: string; date: string; version: string },
): string {
  const figures = series.map((c) =>
    npsFigure(
      `${c.label}: own noise vs inserted at 25 % (${describeKernel(c.model.kernel)})`,
      [
        { name: `own (${c.model.own.estimator})`, f: c.ownNps.frequencies, nps: c.ownNps.nps },
        { name: 'inserted, 25 %', f: c.insertedNps.frequencies, nps: c.insertedNps.nps },
      ],
      true,
    ),
  );
  const lcdFigures = (lcd?.rows ?? []).map((r) =>
    npsFigure(`LCD-CT ${Math.round(r.doseFraction * 100)} %: the set's noise vs ours`, [
      { name: 'LCD-CT set', f: r.set.frequencies, nps: r.set.nps },
      { name: 'ours', f: r.ours.frequencies, nps: r.ours.nps },
    ]),
  );
  return `<!doctype html><html><head><meta charset="utf-8"><title>gsdiff noise-check</title>
<style>body{font:14px system-ui,sans-serif;margin:24px;max-width:1200px}pre{font-size:12px;white-space:pre-wrap}
figure{display:inline-block;margin:8px}</style></head><body>
<h1>Noise realism check</h1>
<p>Own noise: the series' noise in flat soft-tissue regions (adjacent-slice difference or the slice itself,
whichever has less anatomy left). Inserted: <code>validation/lowdose</code> at 25 % dose with the kernel and I0 fitted
to the series (<code>validation/noise</code>), measured in the same ROIs. Frequencies in cycles/mm. The per-series
plots show each NPS over its own sum (the texture, which is what is matched; the levels are in the table); the LCD-CT
plots are absolute (the same level is expected).</p>
<pre>${esc(noiseCheckTable(series, lcd))}</pre>
${figures.join('\n')}
${lcdFigures.length ? `<h2>FDA LCD-CT set</h2>${lcdFigures.join('\n')}` : ''}
<h2>Reproducibility</h2><pre>${esc(`${provenance.command}\n${provenance.date}\ngsdiff ${provenance.version}`)}</pre>
</body></html>
`;
}

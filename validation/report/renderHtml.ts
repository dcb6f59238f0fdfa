import type { HuWindow } from '../metrics/index.js';
import type { MethodResult, SliceRow } from '../validate/MethodResult.js';
import type { ValidationResult } from '../validate/runValidation.js';
import { panelsPng, type Panel } from './panelsPng.js';
import { svgLinePlot, type PlotSeries } from './svgLinePlot.js';

/** What the reproducibility block lists besides the packs: command, versions, machine, date. */
export type Provenance = Readonly<Record<string, string>>;

export interface ReportOptions {
  readonly title?: string;
  /** Window of the image strips (CT). */
  readonly stripWindow: HuWindow;
  /** Window of the difference strips (CT, HU); symmetric around 0. */
  readonly diffWindow: HuWindow;
  readonly provenance: Provenance;
}

const esc = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

const fmt = (x: number, d: number): string => (Number.isFinite(x) ? x.toFixed(d) : x === Infinity ? '∞' : '–');

interface Column {
  readonly head: string;
  readonly get: (m: MethodResult) => number;
  readonly digits: number;
  /** Which way is better, for the bold best value; undefined: no ranking. */
  readonly better?: 'high' | 'low';
}

function columns(r: ValidationResult): Column[] {
  const paired = r.mode === 'paired';
  const cols: Column[] = [];
  if (paired) {
    const windows = Object.keys(r.methods[0]?.summary.psnr ?? {});
    for (const w of windows) {
      cols.push({ head: `PSNR ${w} (dB)`, get: (m) => m.summary.psnr[w], digits: 2, better: 'high' });
      if (w === windows[0])
        cols.push({ head: `PSNR ${w}, pooled (dB)`, get: (m) => m.summary.psnrPooled[w], digits: 2, better: 'high' });
      cols.push({ head: `SSIM ${w}`, get: (m) => m.summary.ssim[w], digits: 4, better: 'high' });
    }
    cols.push({
      head: r.kind === 'ct' ? 'RMSE (HU)' : 'RMSE (Y)',
      get: (m) => m.summary.rmse,
      digits: 1,
      better: 'low',
    });
  }
  cols.push(
    { head: r.kind === 'ct' ? 'noise SD (HU)' : 'noise SD (Y)', get: (m) => m.summary.noiseSd, digits: 1 },
    { head: 'CNR', get: (m) => m.summary.cnr, digits: 2 },
    {
      head: paired ? 'flicker' : 'temporal diff. energy',
      get: (m) => m.summary.flicker,
      digits: 2,
      ...(paired ? { better: 'low' as const } : {}),
    },
  );
  if (r.kind === 'rgb')
    cols.push({ head: 'warping error (Y)', get: (m) => m.summary.warpingError, digits: 2, better: 'low' });
  cols.push(
    {
      head: `NPS peak (${r.pixelSpacingKnown ? 'mm⁻¹' : 'cycles/px'})`,
      get: (m) => m.summary.nps?.peakFrequency ?? NaN,
      digits: 3,
    },
    {
      head: `NPS mean f (${r.pixelSpacingKnown ? 'mm⁻¹' : 'cycles/px'})`,
      get: (m) => m.summary.nps?.meanFrequency ?? NaN,
      digits: 3,
    },
    { head: 'NPS variance', get: (m) => m.summary.nps?.variance ?? NaN, digits: 1 },
    { head: 'frames/s', get: (m) => m.summary.framesPerSecond, digits: 2 },
  );
  return cols;
}

function summaryTable(r: ValidationResult): string {
  const cols = columns(r);
  const best = cols.map((c) => {
    if (!c.better) return NaN;
    const vals = r.methods
      .filter((m) => m.name !== 'input')
      .map(c.get)
      .filter(Number.isFinite);
    return vals.length ? (c.better === 'high' ? Math.max(...vals) : Math.min(...vals)) : NaN;
  });
  const head = `<tr><th>method</th>${cols.map((c) => `<th>${esc(c.head)}</th>`).join('')}</tr>`;
  const rows = r.methods.map(
    (m) =>
      `<tr><th>${esc(m.name)}</th>${cols
        .map((c, k) => {
          const v = c.get(m);
          const s = fmt(v, c.digits);
          return `<td>${m.name !== 'input' && v === best[k] ? `<b>${s}</b>` : s}</td>`;
        })
        .join('')}</tr>`,
  );
  return `<table class="summary">${head}${rows.join('')}</table>`;
}

function perSlicePlots(r: ValidationResult): string {
  const unit = r.kind === 'ct' ? 'slice' : 'frame';
  // A pair figure (index − 1, index) has no value on the first frame: its plot starts at the second, and with one
  // frame it is empty and says why, rather than counting the structural gap as a missing value of every method.
  const plot = (title: string, yLabel: string, get: (row: SliceRow) => number, pair = false): string =>
    svgLinePlot(
      r.methods.map((m): PlotSeries => {
        const rows = pair ? m.rows.slice(1) : m.rows;
        return { name: m.name, x: rows.map((row) => row.index + 1), y: rows.map(get) };
      }),
      {
        title,
        xLabel: unit,
        yLabel,
        integerX: true,
        ...(pair && r.count < 2 ? { emptyText: `no adjacent pair: one ${unit}` } : {}),
      },
    );
  const out: string[] = [];
  const first = Object.keys(r.methods[0]?.summary.psnr ?? {})[0];
  if (r.mode === 'paired' && first) {
    out.push(plot(`PSNR, ${first} window`, 'dB', (row) => row.psnr[first]));
    out.push(plot(`SSIM, ${first} window`, 'SSIM', (row) => row.ssim[first]));
  }
  out.push(plot('Noise SD in homogeneous ROIs', r.kind === 'ct' ? 'HU' : 'Y', (row) => row.noiseSd));
  out.push(
    plot(
      r.mode === 'paired'
        ? 'Flicker of each adjacent pair vs the reference'
        : 'Temporal difference energy of each pair',
      r.kind === 'ct' ? 'HU' : 'Y',
      (row) => row.flickerPair,
      true,
    ),
  );
  if (r.kind === 'rgb') out.push(plot('Warping error of each pair', 'Y', (row) => row.warpPair, true));
  const note =
    r.count === 1
      ? `<p class="note">One ${unit}: each method is one marker at ${unit} ${(r.methods[0]?.rows[0]?.index ?? 0) + 1}; pair figures need two ${unit}s.</p>\n`
      : '';
  return note + out.map((s) => `<figure>${s}</figure>`).join('\n');
}

function npsPlot(r: ValidationResult): string {
  const series = r.methods
    .filter((m) => m.summary.nps)
    .map((m): PlotSeries => ({ name: m.name, x: m.summary.nps?.frequencies ?? [], y: m.summary.nps?.nps ?? [] }));
  if (!series.length) return '<p>No NPS: no homogeneous ROI of the NPS size could be placed.</p>';
  const n = r.methods.find((m) => m.summary.nps)?.summary.nps;
  const what = r.mode === 'paired' ? 'of the residual noise (output − reference)' : 'in homogeneous ROIs';
  return `<figure>${svgLinePlot(series, {
    title: `Noise power spectrum ${what}`,
    xLabel: r.pixelSpacingKnown ? 'spatial frequency (mm⁻¹)' : 'spatial frequency (cycles/pixel: no pixel spacing)',
    yLabel: `NPS (${r.kind === 'ct' ? 'HU²' : 'Y²'}·${r.pixelSpacingKnown ? 'mm²' : 'px²'})`,
  })}<figcaption>${n?.roiWidth}×${n?.roiHeight} ROIs, ${n?.realizations} realisations per method, second-order detrending, radial bins of ${fmt(n?.binWidth ?? NaN, 4)} ${r.pixelSpacingKnown ? 'mm⁻¹' : 'cycles/pixel'} (AAPM TG-233).</figcaption></figure>`;
}

function panel(v: Float32Array | Uint8Array, win: HuWindow): Panel {
  return v instanceof Uint8Array ? { kind: 'rgb', values: v } : { kind: 'grey', values: v, window: win };
}

function difference(a: Float32Array | Uint8Array, b: Float32Array | Uint8Array): Float32Array {
  const out = new Float32Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = a[i] - b[i];
  return out;
}

/** Difference of colour frames shown per channel, mid-grey = 0, ±64 levels full scale. */
function rgbDifference(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = Math.max(0, Math.min(255, Math.round(128 + 2 * (a[i] - b[i]))));
  return out;
}

function strips(r: ValidationResult, o: ReportOptions): string {
  return r.strips
    .map((s) => {
      const names = [...s.outputs.keys()];
      const panels = names.map((n) => panel(s.outputs.get(n) as Float32Array | Uint8Array, o.stripWindow));
      const labels = [...names];
      if (s.reference) {
        panels.push(panel(s.reference, o.stripWindow));
        labels.push('reference');
      }
      const base = s.reference ?? s.outputs.get('input');
      const diffs = names
        .filter((n) => base && (s.reference || n !== 'input'))
        .map((n) => {
          const out = s.outputs.get(n) as Float32Array | Uint8Array;
          const b = base as Float32Array | Uint8Array;
          return out instanceof Uint8Array
            ? ({ kind: 'rgb', values: rgbDifference(out, b as Uint8Array) } as Panel)
            : ({ kind: 'grey', values: difference(out, b), window: o.diffWindow } as Panel);
        });
      const diffLabels = names.filter((n) => base && (s.reference || n !== 'input'));
      const img = (p: readonly Panel[]): string =>
        `<img alt="" src="data:image/png;base64,${panelsPng(p, r.width, r.height).toString('base64')}" style="width:100%">`;
      const win =
        r.kind === 'ct'
          ? ` at C${(o.stripWindow.low + o.stripWindow.high) / 2}/W${o.stripWindow.high - o.stripWindow.low}`
          : '';
      const dwin =
        r.kind === 'ct' ? `[${o.diffWindow.low}, ${o.diffWindow.high}] HU` : 'mid-grey = 0, ±64 levels full scale';
      return `<h3>${r.kind === 'ct' ? 'Slice' : 'Frame'} ${s.index + 1}</h3>
<figure>${img(panels)}<figcaption>${labels.map(esc).join(' | ')}${win}</figcaption></figure>
${diffs.length ? `<figure>${img(diffs)}<figcaption>difference to the ${s.reference ? 'reference' : 'input'}: ${diffLabels.map(esc).join(' | ')}, ${dwin}</figcaption></figure>` : ''}`;
    })
    .join('\n');
}

function provenance(r: ValidationResult, o: ReportOptions): string {
  const rows: [string, string][] = [
    ...Object.entries(o.provenance),
    ['mode', r.mode],
    ...(r.reference
      ? [['reference', `${r.reference.label} ${r.reference.seriesInstanceUid ?? ''}`] as [string, string]]
      : []),
    ['input', `${r.input.label} ${r.input.seriesInstanceUid ?? ''}`],
    ['seed', String(r.seed)],
    ...(r.noiseModel
      ? [
          [
            'simulated noise',
            `kernel ${r.noiseModel.kernel.window} ${r.noiseModel.kernel.cutoff.toFixed(2)}, I0 ` +
              `${r.noiseModel.incidentPhotons.toExponential(2)} (${r.noiseModel.source === 'measured-nps' ? `fitted to the reference's own noise, ${r.noiseModel.own.estimator}, SD ${r.noiseModel.own.sdHu.toFixed(1)} HU` : `from the kernel name ${r.noiseModel.convolutionKernel ?? '(none)'}`})`,
          ] as [string, string],
        ]
      : []),
    ...r.methods
      .filter((m) => m.pack || m.source)
      .map((m): [string, string] => [
        `method ${m.name}`,
        m.pack
          ? `pack ${m.pack.name} ${m.pack.version}, sha256 ${m.pack.sha256} (${m.pack.dir})`
          : `series ${m.source}`,
      ]),
  ];
  return `<table class="repro">${rows.map(([k, v]) => `<tr><th>${esc(k)}</th><td><code>${esc(v)}</code></td></tr>`).join('')}</table>`;
}

const STYLE = `body{font-family:sans-serif;margin:24px;max-width:1400px;color:#111}
table{border-collapse:collapse;margin:8px 0}th,td{border:1px solid #ccc;padding:3px 7px;text-align:right;font-size:13px}
th{background:#f4f4f4}table.repro td,table.repro th{text-align:left}figure{margin:12px 12px 12px 0;display:inline-block;vertical-align:top}
figcaption{font-size:12px;color:#444}h2{border-bottom:1px solid #ddd;padding-bottom:4px;margin-top:32px}
.note{font-size:13px;color:#333;max-width:1000px}`;

/**
 * The validation report as one self-contained HTML page (inline SVG plots and PNG strips, no script, no network):
 * summary table, per-slice plots, image strips, NPS curves and the reproducibility block.
 */
export function renderHtml(r: ValidationResult, o: ReportOptions): string {
  const title = o.title ?? 'GSDiff validation report';
  const what =
    r.mode === 'paired'
      ? `Paired: every method against the reference ${esc(r.reference?.label ?? '')}.`
      : 'No reference: noise, CNR, NPS and temporal figures of each output alone.';
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title><style>${STYLE}</style></head><body>
<h1>${esc(title)}</h1>
<p>${what} Input: ${esc(r.input.label)}. ${r.count} ${r.kind === 'ct' ? 'CT slice' : 'colour frame'}${r.count === 1 ? '' : 's'} of ${r.width}×${r.height}, ${r.pixelSpacingKnown ? `pixel ${r.pixelSpacingMm.map((v) => v.toFixed(3)).join(' × ')} mm` : 'no pixel spacing in the headers (NPS per pixel)'}. Research / review aid, not for primary diagnosis.</p>
<h2>Summary</h2>
${summaryTable(r)}
<p class="note">Means over ${r.kind === 'ct' ? 'slices' : 'frames'}. Frames/s of the input row is the time to read${r.input.simulatedDose !== undefined ? ' and simulate' : ''} it; of the others, their run through the runtime (or reading a given series). Best restored value per ranked column in bold. ${r.kind === 'ct' ? 'PSNR/SSIM windows: metric [−160, 240] HU, chest C−600/W1500, abdomen C50/W400, neuro C40/W80, data range = window width; PSNR is the mean of the per-slice values (∞ when a slice equals its reference), pooled PSNR that of the mean squared error over all slices; PSNR and RMSE inside the field of view (reference &gt; −1500 HU), SSIM over the whole slice.' : 'Colour frames are compared on BT.601 luma Y (8-bit).'} SSIM per Wang et al. 2004 (11×11 Gaussian, σ 1.5). Noise SD: mean SD in four 16×16 homogeneous ROIs per ${r.kind === 'ct' ? 'slice' : 'frame'}, placed on the ${r.mode === 'paired' ? 'reference' : 'input'} and shared by all methods. CNR: |mean<sub>signal</sub> − mean<sub>background</sub>| / SD<sub>background</sub>, in the given ROIs or${r.kind === 'ct' ? ' automatically in the most uniform 8×8 square of fat (−150…−50 HU) against soft tissue (0…100 HU), absent where a slice has none' : ' only with given ROIs for colour frames'}. ${r.mode === 'paired' ? 'Flicker: RMS of the output’s frame-to-frame change minus the reference’s.' : 'Temporal difference energy: RMS frame-to-frame change.'}${r.kind === 'rgb' ? ' Warping error: RMS of frame k minus frame k+1 warped back with Farneback optical flow of the ' + (r.mode === 'paired' ? 'reference' : 'input') + ', occluded pixels excluded (Lai et al. 2018).' : ''}</p>
<h2>Per ${r.kind === 'ct' ? 'slice' : 'frame'}</h2>
${perSlicePlots(r)}
<h2>Images</h2>
${strips(r, o)}
<h2>Noise power spectra</h2>
${npsPlot(r)}
<h2>Reproducibility</h2>
${provenance(r, o)}
</body></html>
`;
}

import {
  createRng,
  nps2d,
  noiseCheckTable,
  renderNoiseCheckHtml,
  type SeriesNoiseCheck,
} from '../../../validation/index.js';

// The noise-check report: the table row and one normalised NPS plot per series, nothing non-finite.
function noiseNps(seed: number, sd: number) {
  const rng = createRng(seed);
  const img = new Float32Array(64 * 64);
  for (let i = 0; i < img.length; i++) img[i] = sd * rng.normal();
  return nps2d(
    [img],
    64,
    64,
    [
      { x: 0, y: 0, width: 32, height: 32 },
      { x: 32, y: 32, width: 32, height: 32 },
    ],
    0.7,
  );
}

const check: SeriesNoiseCheck = {
  label: 'series-a',
  pixelSizeMm: 0.7,
  model: {
    kernel: { window: 'hann', cutoff: 0.85 },
    incidentPhotons: 2e5,
    own: {
      estimator: 'slice-difference',
      sdHu: 10,
      npsMeanFrequency: 0.3,
      npsPeakFrequency: 0.2,
      roiSize: 32,
      rois: 2,
    },
    match: { distance: 0.01, meanFrequency: 0.2, targetMeanFrequency: 0.21 },
    source: 'measured-nps',
    convolutionKernel: 'STANDARD',
  },
  ownNps: noiseNps(1, 10),
  insertedNps: noiseNps(2, 17),
  meanFrequencyError: 0.012,
  doseLaw: [0.5, 0.25, 0.1].map((f) => ({
    doseFraction: f,
    insertedSdHu: 10,
    totalSdHu: 14,
    ratio: 1 / Math.sqrt(f),
    law: 1 / Math.sqrt(f),
    error: 0.05,
    quantumRatio: 1 / Math.sqrt(f),
    quantumError: 0.01,
  })),
};

describe('noise-check report', () => {
  it('tabulates the series with its kernel, errors and dose law', () => {
    const table = noiseCheckTable([check]);
    expect(table).toContain('| series-a | STANDARD | 0.700 | slice-difference,');
    expect(table).toContain('hann 0.85, 2.00e+5');
    expect(table).toContain('+1.2 %');
  });

  it('draws one normalised NPS plot per series and no NaN', () => {
    const html = renderNoiseCheckHtml([check, { ...check, label: 'series-b' }], undefined, {
      command: 'gsdiff noise-check a b',
      date: '2026-12-07',
      version: '0.1.0',
    });
    expect(html.match(/<figure>/g)).toHaveLength(2);
    expect(html).toContain('NPS / its sum (texture)');
    expect(html).not.toMatch(/NaN|Infinity/);
  });
});

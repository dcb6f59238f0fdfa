import { createLogger } from '../../../common/index.js';
import { createRng, HU_WINDOWS, renderHtml, runValidation, type ValidationResult } from '../../../validation/index.js';
import { discPhantom as phantom, phantomSeries as series } from '../helpers/discPhantom.js';

// One 96x96 slice of a disc phantom (muscle 40 HU, a fat insert −100 HU, air outside): the clean slice is the
// reference, the noisy one (white noise SD 30 HU) the input; the methods are the identity and bilateral packs through
// the real runtime, and the reference itself given as a restored series (PSNR +∞, SSIM 1).
const logger = createLogger('silent');

/** The inline SVGs of the report, by title. */
function plots(html: string): Map<string, string> {
  return new Map([...html.matchAll(/<svg [^>]*><title>([^<]*)<\/title>(.*?)<\/svg>/g)].map((m) => [m[1], m[2]]));
}

/** Per series of one plot: its markers' translate() coordinates, and the legend notes. */
function markers(svg: string): Map<string, { x: number; y: number }[]> {
  return new Map(
    [...svg.matchAll(/<g class="series" data-name="([^"]*)"[^>]*>(.*?)<\/g>/g)].map((g) => [
      g[1],
      [...g[2].matchAll(/<path class="marker[^"]*" transform="translate\(([^ ]+) ([^)]+)\)"/g)].map((p) => ({
        x: Number(p[1]),
        y: Number(p[2]),
      })),
    ]),
  );
}

describe('renderHtml', () => {
  let r: ValidationResult;
  let html: string;
  beforeAll(async () => {
    const clean = phantom();
    const rng = createRng(3);
    const noisy = clean.map((v) => (v > -1000 ? v + 30 * rng.normal() : v));
    r = await runValidation({
      reference: series('clean', [clean]),
      input: series('noisy', [noisy]),
      seed: 1,
      methods: [
        { name: 'identity', kind: 'pack', pack: 'models/packs/identity' },
        { name: 'bilateral', kind: 'pack', pack: 'models/packs/bilateral' },
        { name: 'identical', kind: 'series', series: series('clean copy', [clean]) },
      ],
      device: 'cpu',
      npsRoiSize: 16,
      logger,
    });
    html = renderHtml(r, {
      stripWindow: HU_WINDOWS.abdomen,
      diffWindow: { low: -100, high: 100, name: 'difference' },
      provenance: { command: 'test' },
    });
  });

  it('draws every method of a one-slice series as a visible point on the single slice tick', () => {
    expect(r.count).toBe(1);
    expect(r.methods.map((m) => m.name)).toEqual(['input', 'identity', 'bilateral', 'identical']);
    expect(r.methods[3].rows[0].psnr.metric).toBe(Infinity);
    const all = plots(html);
    for (const title of ['PSNR, metric window', 'SSIM, metric window', 'Noise SD in homogeneous ROIs']) {
      const svg = all.get(title) ?? '';
      expect(svg).not.toBe('');
      const ms = markers(svg);
      expect([...ms.keys()]).toEqual(['input', 'identity', 'bilateral', 'identical']);
      for (const [name, m] of ms) {
        expect({ name, count: m.length }).toEqual({ name, count: 1 });
        // Inside the 640x300 plot's area (left 64, right 490, top 28, bottom 256), centred on the one slice.
        expect(Number.isFinite(m[0].x) && Number.isFinite(m[0].y)).toBe(true);
        expect(m[0].x).toBeCloseTo(277, 0);
        expect(m[0].y).toBeGreaterThanOrEqual(28);
        expect(m[0].y).toBeLessThanOrEqual(256);
      }
      // One x tick, labelled with the slice number.
      expect(
        [...svg.matchAll(/<text x="[^"]+" y="272" text-anchor="middle">([^<]*)<\/text>/g)].map((t) => t[1]),
      ).toEqual(['1']);
    }
    // The bilateral filter lowers the noise: its point lies lower than the input's.
    const noise = markers(all.get('Noise SD in homogeneous ROIs') ?? '');
    expect(noise.get('bilateral')?.[0].y).toBeGreaterThan(noise.get('input')?.[0].y ?? Infinity);
    // PSNR +∞ of the identical series sits on the top edge, and the legend says so.
    expect(markers(all.get('PSNR, metric window') ?? '').get('identical')?.[0].y).toBe(28);
    expect(all.get('PSNR, metric window')).toContain('1 at +∞ (top edge)');
  });

  it('says why the pair plot is empty and that a single slice is shown', () => {
    const flicker = plots(html).get('Flicker of each adjacent pair vs the reference') ?? '';
    expect(flicker).toContain('no adjacent pair: one slice');
    expect(html).toContain('One slice: each method is one marker at slice 1');
    expect(html).toContain('1 CT slice of 96×96');
  });

  it('writes no NaN or Infinity anywhere in the report, and keeps the NPS of input and outputs in one plot', () => {
    // The strips' base64 PNG bytes may spell anything: the text around them may not.
    expect(html.replace(/data:image\/png;base64,[A-Za-z0-9+/=]*/g, '')).not.toMatch(/NaN|Infinity/);
    const nps = [...plots(html).entries()].filter(([t]) => t.startsWith('Noise power spectrum'));
    expect(nps).toHaveLength(1);
    expect([...markers(nps[0][1]).keys()]).toEqual(['input', 'identity', 'bilateral', 'identical']);
  });
});

import { boxesIntersect, contrastRatio, parseCssColor, worstLabelContrast } from './harness.js';

/** The e2e checks' helpers: WCAG 2 contrast of a label over the worst image under it, and box overlap. */
describe('label contrast', () => {
  it('follows WCAG 2 on known pairs', () => {
    expect(contrastRatio([255, 255, 255, 1], [0, 0, 0, 1])).toBeCloseTo(21, 6);
    expect(contrastRatio([119, 119, 119, 1], [255, 255, 255, 1])).toBeCloseTo(4.48, 2);
    expect(parseCssColor('rgba(0, 0, 0, 0.72)')).toEqual([0, 0, 0, 0.72]);
    expect(parseCssColor('rgb(255, 176, 32)')).toEqual([255, 176, 32, 1]);
  });

  it('finds the bare light label unreadable over white and a dark plate readable over anything', () => {
    // The "ORIGINAL" label as it was: light grey text, no plate.
    expect(worstLabelContrast('rgb(217, 222, 228)', 'rgba(0, 0, 0, 0)')).toBeLessThan(1.5);
    expect(worstLabelContrast('rgb(255, 255, 255)', 'rgba(0, 0, 0, 0.72)')).toBeGreaterThan(7);
    // The derived label: black on an opaque amber plate.
    expect(worstLabelContrast('rgb(0, 0, 0)', 'rgb(255, 176, 32)')).toBeGreaterThan(10);
  });

  it('counts shared area as overlap, touching edges not', () => {
    const a = { x: 0, y: 0, width: 10, height: 10 };
    expect(boxesIntersect(a, { x: 9, y: 9, width: 5, height: 5 })).toBe(true);
    expect(boxesIntersect(a, { x: 10, y: 0, width: 5, height: 5 })).toBe(false);
    expect(boxesIntersect(a, { x: 0, y: 10, width: 5, height: 5 })).toBe(false);
  });
});

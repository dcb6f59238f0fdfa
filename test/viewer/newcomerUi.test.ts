import { CameraMemory, WindowMemory } from '../../viewer/src/cameraMemory.js';
import { DEMO_POLL_MS, demoPollMs, emptyStudyListText } from '../../viewer/src/demoStatus.js';
import { cancellable } from '../../viewer/src/jobCancel.js';

/** While the demo study is generated the empty list says so, and the list refreshes itself until it is there. */
describe('the empty study list during demo generation', () => {
  it('says the demo study is being generated with n/N, and polls only then', () => {
    expect(emptyStudyListText({ state: 'generating', done: 12, total: 49 })).toMatch(
      /^Demo study being generated \(12\/49\)…/,
    );
    expect(emptyStudyListText({ state: 'generating', done: 0, total: 0 })).toMatch(/\(0\/\?\)…/);
    expect(demoPollMs({ state: 'generating', done: 0, total: 0 })).toBe(DEMO_POLL_MS);
    expect(DEMO_POLL_MS).toBeGreaterThanOrEqual(1000);
    for (const s of [{ state: 'ready' } as const, { state: 'idle' } as const, undefined])
      expect([emptyStudyListText(s), demoPollMs(s)]).toEqual(['No studies in the store', undefined]);
    expect(emptyStudyListText({ state: 'failed', reason: 'disk full' })).toBe(
      'No studies in the store: the demo study was not generated (disk full)',
    );
    expect(demoPollMs({ state: 'failed', reason: 'x' })).toBeUndefined();
  });
});

describe('the job list Cancel button', () => {
  it('is offered for queued and running jobs only', () => {
    expect(['queued', 'running', 'done', 'failed', 'cancelled'].map((s) => cancellable(s as never))).toEqual([
      true,
      true,
      false,
      false,
      false,
    ]);
  });
});

/** Window/level belongs to a series like zoom/pan: the lung window set on a CT comes back with it. */
describe('WindowMemory', () => {
  it('opens a series with the window it was left with, else its default (undefined)', () => {
    const m = new WindowMemory();
    expect(m.open('ct')).toBeUndefined();
    m.leave('ct', { lower: -1350, upper: 150 });
    expect(m.open('capsule')).toBeUndefined();
    m.leave('capsule', undefined);
    expect(m.open('ct')).toEqual({ lower: -1350, upper: 150 });
    m.leave('ct', undefined);
    expect(m.open('ct')).toBeUndefined();
  });

  it('keeps a copy and refuses an empty or non-finite window', () => {
    const m = new WindowMemory();
    const w = { lower: -160, upper: 240 };
    m.leave('ct', w);
    w.lower = 0;
    expect(m.open('ct')).toEqual({ lower: -160, upper: 240 });
    m.leave('ct', { lower: 5, upper: 5 });
    expect(m.open('ct')).toBeUndefined();
    m.leave('ct', { lower: Number.NaN, upper: 1 });
    expect(m.open('ct')).toBeUndefined();
    expect(new CameraMemory().open('ct').zoom).toBe(1);
  });
});

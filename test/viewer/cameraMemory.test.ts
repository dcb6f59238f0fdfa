import { CameraMemory, FITTED, isFitted } from '../../viewer/src/cameraMemory.js';
import { streamStartIndex } from '../../viewer/src/streamStart.js';

/** Zoom and pan belong to a series: a CT zoomed 4.2x must not open the next series (a capsule) as a blur. */
describe('CameraMemory', () => {
  it('opens a series fitted unless it was left zoomed or panned, then as it was left', () => {
    const m = new CameraMemory();
    expect(m.open('ct')).toEqual(FITTED);
    m.leave('ct', { zoom: 4.2, pan: [12, -3] });
    expect(m.open('capsule')).toEqual(FITTED);
    m.leave('capsule', { zoom: 0.8, pan: [0, 0] });
    expect(m.open('ct')).toEqual({ zoom: 4.2, pan: [12, -3] });
    expect(m.open('capsule')).toEqual({ zoom: 0.8, pan: [0, 0] });
  });

  it('forgets a series left fitted (within rounding)', () => {
    const m = new CameraMemory();
    m.leave('ct', { zoom: 2, pan: [1, 1] });
    m.leave('ct', { zoom: 1 + 1e-6, pan: [1e-6, 0] });
    expect(m.open('ct')).toEqual(FITTED);
    expect(isFitted({ zoom: 1, pan: [0, 0.5] })).toBe(false);
  });

  it('keeps a copy, not the caller’s array', () => {
    const m = new CameraMemory();
    const pan: [number, number] = [5, 5];
    m.leave('ct', { zoom: 2, pan });
    pan[0] = 99;
    expect(m.open('ct').pan).toEqual([5, 5]);
  });
});

/** A stream opens on what has arrived (or comes first), not covered on the middle slice. */
describe('streamStartIndex', () => {
  it('keeps the current slice when its frame is here', () => {
    expect(streamStartIndex([true, true, true, false], 1)).toBe(1);
  });
  it('goes to the newest arrived frame, else the first', () => {
    expect(streamStartIndex([true, true, false, false, false, false], 3)).toBe(1);
    expect(streamStartIndex(new Array<boolean>(12).fill(false), 6)).toBe(0);
    expect(streamStartIndex([], 0)).toBe(0);
  });
});

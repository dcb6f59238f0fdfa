import { HU_WINDOWS, windowFromCenterWidth } from '../../../validation/index.js';

describe('HU windows', () => {
  it('holds the issue windows: metric [-160, 240], chest C-600/W1500, abdomen C50/W400, neuro C40/W80', () => {
    expect(HU_WINDOWS.metric).toEqual({ low: -160, high: 240, name: 'metric' });
    expect(HU_WINDOWS.chest).toEqual({ low: -1350, high: 150, name: 'chest' });
    expect(HU_WINDOWS.abdomen).toEqual({ low: -150, high: 250, name: 'abdomen' });
    expect(HU_WINDOWS.neuro).toEqual({ low: 0, high: 80, name: 'neuro' });
    expect(HU_WINDOWS.metric.high - HU_WINDOWS.metric.low).toBe(400);
    expect(Object.isFrozen(HU_WINDOWS)).toBe(true);
  });

  it('windowFromCenterWidth spans center ± width/2 and names itself', () => {
    expect(windowFromCenterWidth(40, 400)).toEqual({ low: -160, high: 240, name: 'C40/W400' });
    expect(windowFromCenterWidth(0, 255, 'x').name).toBe('x');
  });

  it('refuses a width <= 0 and a non-finite centre', () => {
    expect(() => windowFromCenterWidth(0, 0)).toThrow(expect.objectContaining({ code: 'VAL_ERR_BAD_OPTION' }));
    expect(() => windowFromCenterWidth(NaN, 10)).toThrow(/windowFromCenterWidth: center/);
  });
});

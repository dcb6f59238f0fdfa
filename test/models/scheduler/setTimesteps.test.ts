import { createDdimSchedule, roundHalfEven, setTimesteps } from '../../../models/scheduler/index.js';
import { SD_CONFIG } from './sdConfig.js';

const leading = (n: number, offset: number): number[] =>
  Array.from({ length: n }, (_, i) => (n - 1 - i) * Math.floor(1000 / n) + offset);

describe('setTimesteps', () => {
  const sd = createDdimSchedule(SD_CONFIG);

  it('leading + steps_offset 1 gives diffusers timesteps for 4 / 20 / 50 steps', () => {
    expect(setTimesteps(sd, 4)).toEqual([751, 501, 251, 1]);
    const t20 = setTimesteps(sd, 20);
    expect(t20).toEqual(leading(20, 1));
    expect(t20.slice(0, 3)).toEqual([951, 901, 851]);
    expect(t20[19]).toBe(1);
    const t50 = setTimesteps(sd, 50);
    expect(t50).toEqual(leading(50, 1));
    expect(t50.slice(0, 3)).toEqual([981, 961, 941]);
    expect(t50).toHaveLength(50);
  });

  it('leading without offset and with a non-divisor step count', () => {
    const s = createDdimSchedule({});
    expect(setTimesteps(s, 3)).toEqual([666, 333, 0]);
    expect(setTimesteps(s, 1)).toEqual([0]);
    expect(setTimesteps(s, 1000)[0]).toBe(999);
  });

  it('trailing matches numpy golden values', () => {
    const s = createDdimSchedule({ ...SD_CONFIG, timestep_spacing: 'trailing' });
    expect(setTimesteps(s, 3)).toEqual([999, 666, 332]);
    expect(setTimesteps(s, 4)).toEqual([999, 749, 499, 249]);
    expect(setTimesteps(s, 7)).toEqual([999, 856, 713, 570, 428, 285, 142]);
    expect(setTimesteps(s, 20)).toEqual(Array.from({ length: 20 }, (_, i) => 999 - 50 * i));
    // numpy's arange gives 62 values here (the last -1); this port keeps exactly n.
    const t61 = setTimesteps(s, 61);
    expect(t61).toHaveLength(61);
    expect(t61[60]).toBe(15);
  });

  it('linspace matches numpy golden values (round half to even)', () => {
    const s = createDdimSchedule({ timestep_spacing: 'linspace' });
    expect(setTimesteps(s, 1)).toEqual([0]);
    expect(setTimesteps(s, 3)).toEqual([999, 500, 0]);
    expect(setTimesteps(s, 4)).toEqual([999, 666, 333, 0]);
    expect(setTimesteps(s, 7)).toEqual([999, 832, 666, 500, 333, 166, 0]);
    expect(setTimesteps(s, 20)).toEqual([
      999, 946, 894, 841, 789, 736, 684, 631, 578, 526, 473, 421, 368, 315, 263, 210, 158, 105, 53, 0,
    ]);
  });

  it('strength < 1 keeps the last floor(n * strength) steps (diffusers get_timesteps)', () => {
    expect(setTimesteps(sd, 4, 0.75)).toEqual([501, 251, 1]);
    expect(setTimesteps(sd, 20, 0.5)).toEqual(leading(20, 1).slice(10));
    expect(setTimesteps(sd, 10, 0.3)).toEqual(leading(10, 1).slice(7)); // int(10 * 0.3) = 3
    expect(setTimesteps(sd, 100, 0.29)).toHaveLength(28); // int(28.999999999999996) = 28
  });

  it.each([0, -1, 1.5, 1001, Number.NaN])('refuses %p steps', (n) => {
    expect(() => setTimesteps(sd, n)).toThrow(/^setTimesteps: steps: expected an integer in \[1, 1000\]/);
  });

  it('refuses a step count whose largest timestep passes T - 1 with steps_offset', () => {
    expect(() => setTimesteps(sd, 1000)).toThrow(/largest 1000 with steps_offset 1/);
    expect(setTimesteps(sd, 999)[0]).toBe(999);
  });

  it.each([0, -0.5, 1.01, Number.NaN])('refuses strength %p', (strength) => {
    expect(() => setTimesteps(sd, 20, strength)).toThrow(/strength: expected a number in \(0, 1\]/);
  });

  it('runs the last step when steps x strength < 1 (diffusers would run none)', () => {
    expect(setTimesteps(sd, 20, 0.04)).toEqual([1]);
    expect(setTimesteps(sd, 1, 0.1)).toEqual([1]);
    expect(setTimesteps(sd, 10, 0.1)).toEqual([1]);
    expect(setTimesteps(sd, 10, 0.2)).toEqual([101, 1]);
  });

  it('roundHalfEven rounds like numpy', () => {
    expect([0.5, 1.5, 2.5, 499.5, 2.4, 2.6, 3].map(roundHalfEven)).toEqual([0, 2, 2, 500, 2, 3, 3]);
  });
});

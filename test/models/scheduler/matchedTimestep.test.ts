import { createDdimSchedule, matchedTimestep } from '../../../models/scheduler/index.js';
import { SD_CONFIG } from './sdConfig.js';

describe('matchedTimestep', () => {
  const sd = createDdimSchedule(SD_CONFIG);
  const scale = (t: number): number => Math.sqrt((1 - sd.alphasCumprod[t]) / sd.alphasCumprod[t]) * 0.4218;

  it('picks the smallest t whose correction scale reaches sigma (the values noise_level.py gives)', () => {
    // models/training/gsdiff/noise_level.py on the same schedule: sigma 0.0117 -> 1, 0.0286 -> 5 (latent SD 0.4218)
    expect(matchedTimestep(sd, 0.0117, 0.4218, 25)).toBe(1);
    expect(matchedTimestep(sd, 0.0286, 0.4218, 25)).toBe(5);
    for (const t of [2, 7, 13, 25]) {
      expect(matchedTimestep(sd, scale(t), 0.4218, 25)).toBe(t);
      expect(matchedTimestep(sd, scale(t) * 1.0001, 0.4218, 25)).toBe(Math.min(t + 1, 25));
    }
  });

  it('is 1 for no noise and tMax above the largest scale', () => {
    expect(matchedTimestep(sd, 0, 0.4218, 25)).toBe(1);
    expect(matchedTimestep(sd, 10, 0.4218, 25)).toBe(25);
  });

  it('names the option for a bad tMax or sigma', () => {
    expect(() => matchedTimestep(sd, 0.01, 0.4218, 0)).toThrow(/tMax: expected an integer in \[1, 999\], got 0/);
    expect(() => matchedTimestep(sd, Number.NaN, 0.4218, 25)).toThrow(/expected a finite sigma/);
  });
});

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createDdimSchedule, setTimesteps } from '../../../models/scheduler/index.js';

const CONFIG = join(process.cwd(), 'models/packs/tiny-test/scheduler/scheduler_config.json');

(existsSync(CONFIG) ? describe : describe.skip)('tiny-test pack scheduler_config.json', () => {
  it('is the SD 1.x DDIM schedule', () => {
    const s = createDdimSchedule(JSON.parse(readFileSync(CONFIG, 'utf8')) as Record<string, unknown>, CONFIG);
    expect(s.alphasCumprod[0]).toBeCloseTo(0.99915, 12);
    expect(s.alphasCumprod[999]).toBeCloseTo(0.004660098513077238, 12);
    expect(setTimesteps(s, 4)).toEqual([751, 501, 251, 1]);
  });
});

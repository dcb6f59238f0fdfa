import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { packStrengths, packStrengthsPhrase } from '../../cli/commands/packStrengths.js';
import { rgbTrnPack } from '../models/helpers/packs.js';

// What evaluate and validate print for each pack: a pack with an RGB per-frame TRN (trn_frame.rgb) says how the
// strength acts on RGB series too, since there it is that graph's weight.
const TINY = join(process.cwd(), 'models/packs/tiny-test');

describe('packStrengths', () => {
  let dir: string;
  beforeAll(() => {
    dir = rgbTrnPack(
      TINY,
      { file: 'trn_frame/model.onnx', radius: 1, scale: 0.7 },
      { file: 'trn_frame_rgb/model.onnx', radius: 2, scale: 0.5 },
    );
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('adds the RGB series action for a pack with an RGB graph, and nothing for one without', async () => {
    const all = await packStrengths([dir, TINY], 'low');
    expect(all[0]).toMatchObject({ action: { level: 'low', weight: 0.5 }, rgb: { level: 'low', weight: 0.5 } });
    expect(all[1].rgb).toBeUndefined();
    const medium = await packStrengths([dir, TINY], 'medium');
    expect(packStrengthsPhrase(medium)).toBe(
      `${medium[0].pack}: blend 0.75 with the input (RGB series: blend 1 with the input); tiny-test: blend 0.75 with the input`,
    );
  });
});

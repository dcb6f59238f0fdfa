import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { loadClipTokenizer } from '../../../models/tokenizer/index.js';

const PACK = join(process.cwd(), 'models/packs/tiny-test/tokenizer');
const PROMPT = 'Please remove the low-dose CT noise from this image or video';

/**
 * Ids from the pack's reference tokenizer (models/training/gsdiff/tokenizer.py `ClipTokenizer.encode`), which
 * also wrote the vocabulary: please remove the low - dose ct noise from this image or video.
 */
const EXPECTED_HEAD = [564, 557, 558, 560, 551, 268, 536, 530, 555, 543, 561, 548, 556, 562, 565];

(existsSync(PACK) ? describe : describe.skip)('tiny-test pack tokenizer', () => {
  it('encodes the prompt template to the reference ids', async () => {
    const tok = await loadClipTokenizer(join(PACK, 'vocab.json'), join(PACK, 'merges.txt'), {
      configPath: join(PACK, 'tokenizer_config.json'),
    });
    const ids = tok.encode(PROMPT, 77);
    expect(ids).toHaveLength(77);
    expect(ids.slice(0, EXPECTED_HEAD.length)).toEqual(EXPECTED_HEAD);
    expect(ids.slice(EXPECTED_HEAD.length)).toEqual(new Array<number>(77 - EXPECTED_HEAD.length).fill(565));
    expect(tok.bosId).toBe(564);
    expect(tok.eosId).toBe(565);
  });

  it('agrees on case, punctuation and bytes outside the vocabulary merges', async () => {
    const tok = await loadClipTokenizer(join(PACK, 'vocab.json'), join(PACK, 'merges.txt'));
    const ids = tok.encode("  LOW\tNoise!! x2 it's  café &amp; <|endoftext|>", 25);
    expect(ids).toEqual([
      564, 551, 555, 0, 256, 343, 273, 72, 339, 6, 338, 66, 64, 69, 127, 358, 261, 565, 565, 565, 565, 565, 565, 565,
      565,
    ]);
  });
});

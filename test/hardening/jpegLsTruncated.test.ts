import { readFileSync } from 'node:fs';
import { applyMutations, loadSeed } from '../../bench/fuzz/dicomMutations.js';
import { decodeFrame, parseInstance, PacsError } from '../../pacs-adapters/index.js';
import { endsWithEoi } from '../../pacs-adapters/dicom/codecs/jpegEndMarker.js';
import { sharedPath } from '../helpers/sharedData.js';

/**
 * Regression of the fuzzer's one hang (seed 424242, case 16311): a JPEG-LS file cut and spliced so that its frame lacks
 * the end-of-image marker kept CharLS busy for 17-30 s before it failed. Such a frame is now refused before the codec.
 */
describe('JPEG-LS frames without an end-of-image marker', () => {
  const seed = loadSeed(new Uint8Array(readFileSync(sharedPath('ct-wg04-compressed', 'CT1_JLSL'))));

  it('finds the marker after 00 or FF padding, and not in a cut stream', () => {
    expect(endsWithEoi(Uint8Array.from([0xff, 0xd8, 1, 2, 0xff, 0xd9]))).toBe(true);
    expect(endsWithEoi(Uint8Array.from([0xff, 0xd8, 1, 0xff, 0xd9, 0]))).toBe(true);
    expect(endsWithEoi(Uint8Array.from([0xff, 0xd8, 1, 0xff, 0xd9, 0xff]))).toBe(true);
    expect(endsWithEoi(Uint8Array.from([0xff, 0xd8, 1, 2, 3, 0xff]))).toBe(false);
    expect(endsWithEoi(Uint8Array.from([0xff, 0xd8, 1, 2, 3, 4]))).toBe(false);
    expect(endsWithEoi(Uint8Array.from([0xd9]))).toBe(false);
    expect(endsWithEoi(new Uint8Array(0))).toBe(false);
  });

  it('rejects the fuzzer case with PACS_ERR_DECODE naming the file and the marker', async () => {
    const bytes = applyMutations(seed, [
      { op: 'truncate', at: 0.42017 },
      { op: 'splice', from: 0.702289, to: 0.641205, length: 1369 },
    ]);
    const inst = parseInstance(bytes, 'fuzz/CT1_JLSL#16311', { requireIdentity: false });
    const e = await decodeFrame(inst, 0).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(PacsError);
    expect(e).toMatchObject({
      code: 'PACS_ERR_DECODE',
      details: { file: 'fuzz/CT1_JLSL#16311', tag: '7FE00010', field: 'end-of-image marker', frame: 0 },
    });
    expect((e as Error).message).toContain('fuzz/CT1_JLSL#16311');
  });

  it('still decodes the intact file', async () => {
    const inst = parseInstance(seed.bytes, 'CT1_JLSL', { requireIdentity: false });
    const f = await decodeFrame(inst, 0);
    expect([f.columns, f.rows]).toEqual([512, 512]);
  });
});

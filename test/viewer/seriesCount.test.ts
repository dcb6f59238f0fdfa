import { LocalStoreAdapter, LocalStore, newUid } from '../../pacs-adapters/index.js';
import { seriesCountText } from '../../viewer/src/seriesCount.js';
import { tempDir } from '../pacs-adapters/local/helpers.js';
import { seriesContext, storeEndoscopy } from './harness.js';

/** The series list counts frames as frames: a 48-frame capsule sequence is "48 frames", not "1 images". */
describe('seriesCountText', () => {
  it('shows frames of a multi-frame instance', () => {
    expect(seriesCountText({ numberOfInstances: 1, numberOfFrames: 48 })).toBe('48 frames');
    expect(seriesCountText({ numberOfInstances: 2, numberOfFrames: 96 })).toBe('96 frames in 2 images');
  });

  it('shows images of a single-frame series, in good English, and what is unknown', () => {
    expect(seriesCountText({ numberOfInstances: 28, numberOfFrames: 28 })).toBe('28 images');
    expect(seriesCountText({ numberOfInstances: 1 })).toBe('1 image');
    expect(seriesCountText({})).toBe('? images');
  });
});

describe('series summary of the local store', () => {
  it('carries the frames of a multi-frame series', async () => {
    const { dir, cleanup } = await tempDir();
    const store = await LocalStore.open(dir);
    try {
      const ctx = seriesContext({
        studyInstanceUid: newUid(),
        seriesInstanceUid: newUid(),
        studyDescription: 'capsule',
        seriesDescription: 'sequence',
      });
      await storeEndoscopy(store, ctx, { frames: 6, size: 32, frameTimeMs: 125 });
      expect(store.listSeries()[0]).toMatchObject({ numberOfInstances: 1, numberOfFrames: 6 });
      const summaries = await new LocalStoreAdapter(store).searchSeries(ctx.studyInstanceUid);
      expect(summaries[0]).toMatchObject({ numberOfInstances: 1, numberOfFrames: 6 });
      expect(seriesCountText(summaries[0])).toBe('6 frames');
    } finally {
      await store.close();
      await cleanup();
    }
  });
});

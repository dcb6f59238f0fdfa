import { sceneStarts } from '../../restore/sceneStarts.js';

const slices = (instances: string[]): { sopInstanceUid: string }[] =>
  instances.map((sopInstanceUid) => ({ sopInstanceUid }));

describe('sceneStarts', () => {
  it('starts a scene at each new instance of a time sequence', () => {
    const frames = slices(['a', 'a', 'a', 'b', 'b', 'c']);
    expect(sceneStarts({ kind: 'frames', slices: frames } as unknown as Parameters<typeof sceneStarts>[0])).toEqual([
      3, 5,
    ]);
  });

  it('gives none for a volume, whose slices continue across files', () => {
    const files = slices(['a', 'b', 'c']);
    expect(sceneStarts({ kind: 'volume', slices: files } as unknown as Parameters<typeof sceneStarts>[0])).toEqual([]);
  });
});

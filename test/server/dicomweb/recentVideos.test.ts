import type { DicomInstance } from '../../../pacs-adapters/index.js';
import { RecentVideos } from '../../../server/dicomweb/recentVideos.js';

const H264 = '1.2.840.10008.1.2.4.102';
const EXPLICIT_LE = '1.2.840.10008.1.2.1';

/** Only the header's syntax matters to RecentVideos; each call makes a distinct object. */
const parsed = (transferSyntaxUid: string) => (): DicomInstance =>
  ({ header: { transferSyntaxUid } }) as unknown as DicomInstance;

describe('RecentVideos (the frames route keeps decoded videos)', () => {
  it('keeps a video instance across requests, so its decoded frames are reused', () => {
    const v = new RecentVideos();
    const bytes = new Uint8Array(100);
    const a = v.get('1.1', bytes, parsed(H264));
    expect(v.get('1.1', bytes, parsed(H264))).toBe(a);
  });

  it('parses other syntaxes every time (they decode per frame) and a changed file again', () => {
    const v = new RecentVideos();
    const bytes = new Uint8Array(100);
    expect(v.get('1.2', bytes, parsed(EXPLICIT_LE))).not.toBe(v.get('1.2', bytes, parsed(EXPLICIT_LE)));
    const a = v.get('1.3', bytes, parsed(H264));
    expect(v.get('1.3', new Uint8Array(101), parsed(H264))).not.toBe(a);
  });

  it('holds two videos: a third evicts the least recently used', () => {
    const v = new RecentVideos();
    const bytes = new Uint8Array(10);
    const a = v.get('2.1', bytes, parsed(H264));
    const b = v.get('2.2', bytes, parsed(H264));
    expect(v.get('2.1', bytes, parsed(H264))).toBe(a); // 2.1 used last: 2.2 is the oldest now
    v.get('2.3', bytes, parsed(H264));
    expect(v.get('2.1', bytes, parsed(H264))).toBe(a);
    expect(v.get('2.2', bytes, parsed(H264))).not.toBe(b);
  });
});

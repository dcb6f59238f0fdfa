import { isVideoEncoding, transferSyntaxInfo, type DicomInstance } from '../../pacs-adapters/index.js';

/**
 * The last few parsed video instances (MPEG-2 / H.264 / HEVC) the frames route served. A video decodes as a whole
 * and pacs-adapters keeps its frames for as long as the parsed instance lives (videoFrameCache), while a viewer asks
 * for its frames one request at a time: without this, every frame request decoded the whole stream again. Two
 * entries: the original and the restored pane of one review. Other syntaxes decode per frame and are not kept.
 */
export class RecentVideos {
  private readonly entries = new Map<string, { readonly length: number; readonly instance: DicomInstance }>();

  constructor(private readonly capacity = 2) {}

  /** The kept instance of `sopInstanceUid` when the stored file is still the same size, else a newly parsed one. */
  get(sopInstanceUid: string, bytes: Uint8Array, parse: () => DicomInstance): DicomInstance {
    const kept = this.entries.get(sopInstanceUid);
    if (kept && kept.length === bytes.byteLength) {
      this.entries.delete(sopInstanceUid);
      this.entries.set(sopInstanceUid, kept);
      return kept.instance;
    }
    const instance = parse();
    const encoding = transferSyntaxInfo(instance.header.transferSyntaxUid)?.encoding;
    if (encoding !== undefined && isVideoEncoding(encoding)) {
      this.entries.set(sopInstanceUid, { length: bytes.byteLength, instance });
      while (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value as string);
    }
    return instance;
  }
}

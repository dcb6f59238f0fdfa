import { cache, imageLoader, metaData, type Types } from '@cornerstonejs/core';
import type { StreamedFrame } from '../../wire/index.js';
import { ViewerError } from './errors.js';
import { createScalarImage, scalarImageMetadata } from './scalarImage.js';
import type { SeriesStack } from './seriesStack.js';

/** Image ids of frames streamed from a running job: `gsdiff-stream:<jobId>/<source SOP UID>/<0-based frame>`. */
export const STREAM_SCHEME = 'gsdiff-stream';

interface Slot {
  /** The source slice's image id (geometry, modality). */
  geometryOf?: string;
  frame?: StreamedFrame;
  waiters: { resolve: (f: StreamedFrame) => void; reject: (e: Error) => void }[];
  error?: Error;
}

/**
 * Frames of running jobs, kept for the `gsdiff-stream` image loader and metadata provider. A stack of stream image
 * ids is defined up front, aligned with the original series; loading an id whose frame has not arrived waits for it,
 * so a frame shows the moment it arrives when its slice is on screen.
 */
export class StreamImages {
  private readonly slots = new Map<string, Slot>();

  /** The stream image id of a frame of a job. */
  static imageId(jobId: string, sopInstanceUid: string, frameIndex: number): string {
    return `${STREAM_SCHEME}:${jobId}/${sopInstanceUid}/${frameIndex}`;
  }

  /** Stream image ids for a job, one per frame of the original stack, in its order. */
  define(jobId: string, original: SeriesStack): string[] {
    return original.frames.map((f) => {
      const id = StreamImages.imageId(jobId, f.sopInstanceUid, f.frameNumber - 1);
      const slot = this.slots.get(id);
      if (!slot) this.slots.set(id, { geometryOf: f.imageId, waiters: [] });
      else slot.geometryOf ??= f.imageId;
      return id;
    });
  }

  /** Stores a frame; returns its image id. Waiting loads resolve at once. */
  put(jobId: string, frame: StreamedFrame): string {
    const id = StreamImages.imageId(jobId, frame.header.sopInstanceUid, frame.header.frameIndex);
    const slot = this.slots.get(id) ?? { waiters: [] };
    slot.frame = frame;
    this.slots.set(id, slot);
    for (const w of slot.waiters.splice(0)) w.resolve(frame);
    return id;
  }

  /** Whether a frame has arrived. */
  has(imageId: string): boolean {
    return this.slots.get(imageId)?.frame !== undefined;
  }

  /** Rejects the loads still waiting for frames of a job (it failed or was cancelled). */
  fail(jobId: string, reason: string): void {
    const prefix = `${STREAM_SCHEME}:${jobId}/`;
    for (const [id, slot] of this.slots) {
      if (!id.startsWith(prefix) || slot.frame) continue;
      slot.error = new ViewerError('VIEWER_ERR_STREAM', `${id}: expected a restored frame, got none (${reason})`);
      for (const w of slot.waiters.splice(0)) w.reject(slot.error);
    }
  }

  /** Drops a job's frames and their cached images (after the stored derived series replaced them). */
  forget(jobId: string): void {
    const prefix = `${STREAM_SCHEME}:${jobId}/`;
    for (const id of [...this.slots.keys()]) {
      if (!id.startsWith(prefix)) continue;
      if (cache.getImageLoadObject(id)) cache.removeImageLoadObject(id, { force: true });
      this.slots.delete(id);
    }
  }

  /** The image loader registered for `gsdiff-stream:`. */
  readonly loader = (imageId: string): { promise: Promise<Types.IImage> } => ({
    promise: this.wait(imageId).then((frame) =>
      createScalarImage({
        imageId,
        rows: frame.header.rows,
        columns: frame.header.columns,
        pixels: frame.pixels,
        samplesPerPixel: frame.header.samplesPerPixel === 3 ? 3 : 1,
        windowCenter: frame.header.windowCenter,
        windowWidth: frame.header.windowWidth,
        geometryOf: this.slots.get(imageId)?.geometryOf,
      }),
    ),
  });

  /** The metadata provider for `gsdiff-stream:` ids (answers once the frame has arrived, geometry before). */
  readonly provider = (type: string, imageId: string): unknown => {
    if (typeof imageId !== 'string' || !imageId.startsWith(`${STREAM_SCHEME}:`)) return undefined;
    const slot = this.slots.get(imageId);
    if (!slot) return undefined;
    const h = slot.frame?.header;
    if (!h) {
      return type === 'imagePlaneModule' && slot.geometryOf ? metaData.get(type, slot.geometryOf) : undefined;
    }
    return scalarImageMetadata(
      type,
      {
        rows: h.rows,
        columns: h.columns,
        samplesPerPixel: h.samplesPerPixel === 3 ? 3 : 1,
        geometryOf: slot.geometryOf,
        windowCenter: h.windowCenter,
        windowWidth: h.windowWidth,
      },
      `${STREAM_SCHEME}:${imageId.slice(STREAM_SCHEME.length + 1).split('/')[0]}`,
    );
  };

  /** Registers the loader and provider with Cornerstone (once, from init). */
  register(): void {
    imageLoader.registerImageLoader(STREAM_SCHEME, this.loader as unknown as Types.ImageLoaderFn);
    metaData.addProvider(this.provider, 10000);
  }

  private wait(imageId: string): Promise<StreamedFrame> {
    const slot = this.slots.get(imageId);
    if (!slot) {
      return Promise.reject(
        new ViewerError('VIEWER_ERR_STREAM', `${imageId}: expected an image id of a stream the viewer follows`),
      );
    }
    if (slot.frame) return Promise.resolve(slot.frame);
    if (slot.error) return Promise.reject(slot.error);
    return new Promise((resolve, reject) => slot.waiters.push({ resolve, reject }));
  }
}

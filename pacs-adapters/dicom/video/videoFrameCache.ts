import type { DicomInstance } from '../DicomInstance.js';
import { decodeVideoInstance, type DecodedVideo, type VideoDecodeOptions } from './decodeVideoInstance.js';

/**
 * A video stream decodes as a whole (frames depend on each other), while callers ask for frames one at a time:
 * the first request decodes every frame and later ones reuse them for as long as the instance object lives.
 * A failed or aborted decode is forgotten, so a later request tries again.
 */
const decoded = new WeakMap<DicomInstance, Promise<DecodedVideo>>();

export function cachedVideo(instance: DicomInstance, options: VideoDecodeOptions = {}): Promise<DecodedVideo> {
  let p = decoded.get(instance);
  if (!p) {
    p = decodeVideoInstance(instance, options);
    decoded.set(instance, p);
    p.catch(() => decoded.delete(instance));
  }
  return p;
}

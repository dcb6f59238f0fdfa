import { encodePart10 } from '../write/dcmjsCodec.js';
import { pacsError } from '../errors.js';
import type { CapsuleInstance } from './CapsuleInstance.js';
import { capsuleDataset, VIDEO_ENDOSCOPIC_IMAGE_STORAGE, type CapsuleDicomContext } from './capsuleDataset.js';
import type { InstancePlan } from './planCapsuleInstances.js';

/** A Part 10 file whose Pixel Data value is still to be filled: `pixelData` is a view into `bytes`. */
export interface CapsuleInstanceBuffer {
  readonly bytes: Uint8Array;
  /** plan.frameCount frames of width*height*3 bytes (R,G,B interleaved), zero until written. */
  readonly pixelData: Uint8Array;
  readonly frameBytes: number;
}

/**
 * Encodes the instance's attributes with encodePart10 (Explicit VR Little Endian) and appends the Pixel Data
 * element (7FE0,0010) OB, whose value the caller fills frame by frame. One allocation of the final file size:
 * frames are decoded straight into it, so an instance costs its own size in memory and no copy.
 * Pixel Data is the last element of the data set (every other attribute has a lower tag), so appending keeps
 * the data set in tag order.
 * @throws PACS_ERR_WRITE when dcmjs cannot encode the attributes or the pixel data would exceed 4 GiB
 */
export function allocateCapsuleInstance(plan: InstancePlan, ctx: CapsuleDicomContext): CapsuleInstanceBuffer {
  const frameBytes = ctx.video.width * ctx.video.height * 3;
  const valueBytes = plan.frameCount * frameBytes;
  const paddedBytes = valueBytes + (valueBytes % 2); // OB values have even length, padded with 0x00
  if (paddedBytes > 0xfffffffe) {
    throw pacsError(
      'PACS_ERR_WRITE',
      `pixel data of ${plan.frameCount} frames is ${valueBytes} bytes: expected at most 4 GiB - 2; lower maxFramesPerInstance`,
      {
        file: plan.clip,
        runId: plan.runId,
      },
    );
  }
  const header = encodePart10(capsuleDataset(plan, ctx), `${plan.clip} run ${plan.runId} chunk ${plan.chunkIndex}`);
  const bytes = new Uint8Array(header.length + 12 + paddedBytes);
  bytes.set(header, 0);
  const view = new DataView(bytes.buffer, header.length, 12);
  view.setUint16(0, 0x7fe0, true);
  view.setUint16(2, 0x0010, true);
  bytes[header.length + 4] = 0x4f; // 'O'
  bytes[header.length + 5] = 0x42; // 'B'
  view.setUint16(6, 0, true); // reserved
  view.setUint32(8, paddedBytes, true);
  const start = header.length + 12;
  return { bytes, pixelData: bytes.subarray(start, start + valueBytes), frameBytes };
}

/**
 * Builds one Video Endoscopic Image instance (PS3.3 A.32.5) from one instance plan and its RGB24 frames
 * concatenated in order (see capsuleDataset for the attributes).
 * @param plan - the chunk of one run this instance holds
 * @param pixelData - plan.frameCount frames of width*height*3 bytes, R,G,B interleaved
 * @param ctx - UIDs, numbering, patient pseudonym, probed video facts
 * @throws PACS_ERR_WRITE when pixelData has the wrong length or the attributes cannot be encoded
 */
export function capsuleToDicom(plan: InstancePlan, pixelData: Uint8Array, ctx: CapsuleDicomContext): CapsuleInstance {
  const { video } = ctx;
  const expected = plan.frameCount * video.width * video.height * 3;
  if (pixelData.length !== expected) {
    throw pacsError(
      'PACS_ERR_WRITE',
      `pixel data of run ${plan.runId} chunk ${plan.chunkIndex} is ${pixelData.length} bytes: expected ${expected} (${plan.frameCount} frames of ${video.width}x${video.height} RGB)`,
      { file: plan.clip, runId: plan.runId, chunkIndex: plan.chunkIndex },
    );
  }
  const buffer = allocateCapsuleInstance(plan, ctx);
  buffer.pixelData.set(pixelData);
  return toCapsuleInstance(plan, ctx, buffer.bytes);
}

/** The result record of an encoded instance. */
export function toCapsuleInstance(plan: InstancePlan, ctx: CapsuleDicomContext, bytes: Uint8Array): CapsuleInstance {
  const first = plan.frames[0];
  const last = plan.frames[plan.frames.length - 1];
  return {
    clip: plan.clip,
    runId: plan.runId,
    chunkIndex: plan.chunkIndex,
    chunkCount: plan.chunkCount,
    firstFrameIndex: plan.firstFrameIndex,
    frameCount: plan.frameCount,
    kvasirFrames: [first.kvasirFrameNumber, last.kvasirFrameNumber],
    instanceNumber: ctx.instanceNumber,
    bytes,
    sopClassUid: VIDEO_ENDOSCOPIC_IMAGE_STORAGE,
    sopInstanceUid: ctx.sopInstanceUid,
    seriesInstanceUid: ctx.seriesInstanceUid,
    studyInstanceUid: ctx.studyInstanceUid,
  };
}

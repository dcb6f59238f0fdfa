import type { DicomInstance } from '../dicom/DicomInstance.js';
import { decodeFrame } from '../dicom/decodeFrame.js';
import { modalityValues } from '../dicom/modalityValues.js';
import { pacsError } from '../errors.js';

/**
 * Frame `frameIndex` of an instance as the restoration pipeline takes it: modality values (HU for CT) for greyscale,
 * interleaved 8-bit RGB for colour.
 * @throws PACS_ERR_UNSUPPORTED_PIXEL_FORMAT for 16-bit colour; every error of decodeFrame
 */
export async function frameValues(inst: DicomInstance, frameIndex: number): Promise<Float32Array | Uint8Array> {
  const f = await decodeFrame(inst, frameIndex);
  if (f.kind === 'gray') return modalityValues(f, inst.header);
  if (f.rgb instanceof Uint16Array) {
    throw pacsError(
      'PACS_ERR_UNSUPPORTED_PIXEL_FORMAT',
      'BitsAllocated (0028,0100) 16 with RGB: expected 8-bit colour for restoration',
      {
        file: inst.file,
        tag: '00280100',
      },
    );
  }
  return f.rgb;
}

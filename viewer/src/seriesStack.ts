import { wadors } from '@cornerstonejs/dicom-image-loader';
import type { DicomJsonDataset } from '../../wire/index.js';
import type { ApiClient } from './api.js';
import { frameRateOf, type FrameRate } from './cine.js';
import { numberValue, slicePosition, stringValue, TAG } from './dicomJson.js';
import { ViewerError } from './errors.js';

/** One displayable frame of a series. */
export interface StackFrame {
  /** `wadors:<dicom-web root>/studies/…/instances/<sop>/frames/<n>` */
  readonly imageId: string;
  readonly sopInstanceUid: string;
  /** 1-based frame number within the instance. */
  readonly frameNumber: number;
  /**
   * Where the frame lies along the slice normal (mm), for pairing by position; undefined for frames of a multi-frame
   * instance (a video sequence: frames pair by index) and when the geometry is missing.
   */
  readonly position?: number;
}

/** A series in display order (along the slice normal, then instance number, then frame). */
export interface SeriesStack {
  readonly studyInstanceUid: string;
  readonly seriesInstanceUid: string;
  readonly frames: readonly StackFrame[];
  readonly imageIds: readonly string[];
  readonly modality?: string;
  /** RGB (SamplesPerPixel 3): a video/endoscopy sequence; CT presets and HU do not apply. */
  readonly color: boolean;
  /** The cine rate of the series (FrameTime, RecommendedDisplayFrameRate, CineRate or the default). */
  readonly frameRate: FrameRate;
  /**
   * Frames of multi-frame instances (video, capsule, endoscopy sequences): counted and named as frames in time, not
   * slices; a video instance (MPEG-2 / H.264 / HEVC) is as many frames as its NumberOfFrames.
   */
  readonly timeSequence: boolean;
}

/**
 * Reads a series' WADO-RS metadata, registers every frame with the dicom-image-loader's `wadors.metaDataManager`
 * (it must know an image's metadata before it loads the pixels) and returns the frames in display order.
 * @throws VIEWER_ERR_SERIES when the series has no image instance
 * @throws VIEWER_ERR_HTTP / SRV_ERR_* when the metadata request fails
 */
export async function loadSeriesStack(
  api: ApiClient,
  studyInstanceUid: string,
  seriesInstanceUid: string,
): Promise<SeriesStack> {
  const metadata = await api.seriesMetadata(studyInstanceUid, seriesInstanceUid);
  const images = metadata.filter(
    (ds) => numberValue(ds, TAG.Rows) !== undefined && stringValue(ds, TAG.SOPInstanceUID),
  );
  if (images.length === 0) {
    throw new ViewerError(
      'VIEWER_ERR_SERIES',
      `loadSeriesStack: series ${seriesInstanceUid}: expected image instances, got ${metadata.length} without pixels`,
      { studyInstanceUid, seriesInstanceUid },
    );
  }
  images.sort(compareInstances);
  const root = api.dicomWebRoot;
  const frames: StackFrame[] = [];
  for (const ds of images) {
    const sop = stringValue(ds, TAG.SOPInstanceUID) as string;
    const count = Math.max(1, numberValue(ds, TAG.NumberOfFrames) ?? 1);
    const position = count === 1 ? slicePosition(ds) : undefined;
    for (let n = 1; n <= count; n++) {
      const imageId = `wadors:${root}/studies/${studyInstanceUid}/series/${seriesInstanceUid}/instances/${sop}/frames/${n}`;
      // The loader's own type for the metadata is its naturalised DICOM JSON, which is what we hand it.
      wadors.metaDataManager.add(imageId, ds as unknown as Parameters<typeof wadors.metaDataManager.add>[1]);
      frames.push({ imageId, sopInstanceUid: sop, frameNumber: n, position });
    }
  }
  return {
    studyInstanceUid,
    seriesInstanceUid,
    frames,
    imageIds: frames.map((f) => f.imageId),
    modality: stringValue(images[0], TAG.Modality),
    color: numberValue(images[0], TAG.SamplesPerPixel) === 3,
    frameRate: frameRateOf(images[0]),
    timeSequence: frames.length > images.length,
  };
}

function compareInstances(a: DicomJsonDataset, b: DicomJsonDataset): number {
  const pa = slicePosition(a);
  const pb = slicePosition(b);
  if (pa !== undefined && pb !== undefined && pa !== pb) return pa - pb;
  return (numberValue(a, TAG.InstanceNumber) ?? 0) - (numberValue(b, TAG.InstanceNumber) ?? 0);
}

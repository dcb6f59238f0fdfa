import { createRequire } from 'node:module';
import { describeThrown } from '../../common/index.js';
import { modelError } from '../errors.js';

/** The part of OpenCV.js (the official wasm build, npm @techstark/opencv-js) this project calls. */
export interface OpenCvMat {
  readonly data32F: Float32Array;
  readonly data: Uint8Array;
  readonly rows: number;
  readonly cols: number;
  delete(): void;
}

export interface OpenCv {
  readonly CV_32FC1: number;
  readonly CV_32FC2: number;
  readonly CV_32FC3: number;
  readonly CV_8UC1: number;
  readonly BORDER_REPLICATE: number;
  readonly BORDER_CONSTANT: number;
  readonly INTER_LINEAR: number;
  Mat: new (rows?: number, cols?: number, type?: number) => OpenCvMat;
  matFromArray(rows: number, cols: number, type: number, data: ArrayLike<number>): OpenCvMat;
  bilateralFilter(
    src: OpenCvMat,
    dst: OpenCvMat,
    d: number,
    sigmaColor: number,
    sigmaSpace: number,
    borderType: number,
  ): void;
  calcOpticalFlowFarneback(
    prev: OpenCvMat,
    next: OpenCvMat,
    flow: OpenCvMat,
    pyrScale: number,
    levels: number,
    winsize: number,
    iterations: number,
    polyN: number,
    polySigma: number,
    flags: number,
  ): void;
  remap(
    src: OpenCvMat,
    dst: OpenCvMat,
    map1: OpenCvMat,
    map2: OpenCvMat,
    interpolation: number,
    borderMode: number,
  ): void;
}

let loading: Promise<OpenCv> | undefined;

/**
 * OpenCV.js, initialised once per process (its wasm takes ~0.4 s to compile). Loaded lazily so processes that
 * never run a classical filter or optical flow do not pay for the 10 MB module.
 * @throws MODEL_ERR_PACK_COMPONENT when the module cannot be loaded
 */
export function loadOpenCv(): Promise<OpenCv> {
  loading ??= new Promise<OpenCv>((resolve, reject) => {
    try {
      const cv = createRequire(import.meta.url)('@techstark/opencv-js') as OpenCv & {
        onRuntimeInitialized?: () => void;
        then?: unknown;
      };
      // Emscripten makes the module a thenable whose `then` hands back the module itself: resolving a promise with
      // it recurses forever. Once initialised the hook is of no use, so it is removed before the module is handed out.
      const ready = (): void => {
        delete cv.then;
        resolve(cv);
      };
      if (typeof cv.Mat === 'function') ready();
      else cv.onRuntimeInitialized = ready;
    } catch (e) {
      reject(
        modelError(
          'MODEL_ERR_PACK_COMPONENT',
          `OpenCV.js (@techstark/opencv-js) cannot be loaded: ${describeThrown(e)}`,
          {
            component: 'opencv',
          },
        ),
      );
    }
  });
  return loading;
}

import { cache, imageLoader, metaData, type Types } from '@cornerstonejs/core';
import { ViewerError } from './errors.js';
import { lumaValues } from './roiMath.js';
import { createScalarImage, scalarImageMetadata } from './scalarImage.js';

/**
 * Image ids of difference images: `gsdiff-diff:<generation>/<index>` (restored − original, in HU; for RGB images the
 * difference of their Rec. 601 luma, in grey levels).
 */
export const DIFF_SCHEME = 'gsdiff-diff';

interface Pair {
  readonly original: string;
  readonly restored: string;
  rows?: number;
  columns?: number;
}

/**
 * The difference mode's images: each id names a pair (original slice, restored slice); loading it loads both
 * through their own loaders (wadors, gsdiff-stream) and subtracts their HU values (or, for colour images, their
 * luma). Colour-mapped by the viewport.
 */
export class DifferenceImages {
  private readonly pairs = new Map<string, Pair>();
  private generation = 0;

  /** Difference ids for paired slices (in the original's order); the previous generation is dropped. */
  define(pairs: readonly { readonly original: string; readonly restored: string }[]): string[] {
    this.clear();
    const g = ++this.generation;
    return pairs.map((p, i) => {
      const id = `${DIFF_SCHEME}:${g}/${i}`;
      this.pairs.set(id, { original: p.original, restored: p.restored });
      return id;
    });
  }

  clear(): void {
    for (const id of this.pairs.keys()) {
      if (cache.getImageLoadObject(id)) cache.removeImageLoadObject(id, { force: true });
    }
    this.pairs.clear();
  }

  readonly loader = (imageId: string): { promise: Promise<Types.IImage> } => ({ promise: this.load(imageId) });

  readonly provider = (type: string, imageId: string): unknown => {
    if (typeof imageId !== 'string' || !imageId.startsWith(`${DIFF_SCHEME}:`)) return undefined;
    const pair = this.pairs.get(imageId);
    if (!pair) return undefined;
    if (pair.rows === undefined || pair.columns === undefined) {
      return type === 'imagePlaneModule' ? metaData.get(type, pair.original) : undefined;
    }
    return scalarImageMetadata(
      type,
      { rows: pair.rows, columns: pair.columns, samplesPerPixel: 1, geometryOf: pair.original },
      `${DIFF_SCHEME}:${this.generation}`,
    );
  };

  register(): void {
    imageLoader.registerImageLoader(DIFF_SCHEME, this.loader as unknown as Types.ImageLoaderFn);
    metaData.addProvider(this.provider, 10000);
  }

  private async load(imageId: string): Promise<Types.IImage> {
    const pair = this.pairs.get(imageId);
    if (!pair) {
      throw new ViewerError('VIEWER_ERR_SERIES', `${imageId}: expected a difference image of the current review`);
    }
    const [a, b] = await Promise.all([
      imageLoader.loadAndCacheImage(pair.original),
      imageLoader.loadAndCacheImage(pair.restored),
    ]);
    if (a.color !== b.color || a.rows !== b.rows || a.columns !== b.columns) {
      throw new ViewerError(
        'VIEWER_ERR_SERIES',
        `${imageId}: expected two images of one size and kind, got ${a.columns}x${a.rows}${a.color ? ' RGB' : ''} ` +
          `and ${b.columns}x${b.rows}${b.color ? ' RGB' : ''}`,
        { original: pair.original, restored: pair.restored },
      );
    }
    const o = displayValues(a);
    const r = displayValues(b);
    const diff = new Float32Array(o.length);
    for (let i = 0; i < diff.length; i++) diff[i] = r[i] - o[i];
    pair.rows = a.rows;
    pair.columns = a.columns;
    return createScalarImage({
      imageId,
      rows: a.rows,
      columns: a.columns,
      pixels: diff,
      samplesPerPixel: 1,
      windowCenter: 0,
      windowWidth: 200,
      geometryOf: pair.original,
    });
  }
}

/** What measurements and differences are computed on: HU (modality values) for grey images, luma for colour ones. */
export function displayValues(image: Types.IImage): Float32Array {
  if (!image.color) return modalityValues(image);
  const components = image.numberOfComponents ?? (image.rgba ? 4 : 3);
  return lumaValues(image.getPixelData(), components);
}

/** An image's values in the modality's unit (HU for CT): pre-scaled pixels as they are, others through slope/intercept. */
export function modalityValues(image: Types.IImage): Float32Array {
  const px = image.getPixelData();
  const scaled = image.preScale?.scaled === true;
  const slope = scaled ? 1 : (image.slope ?? 1);
  const intercept = scaled ? 0 : (image.intercept ?? 0);
  const out = new Float32Array(px.length);
  for (let i = 0; i < px.length; i++) out[i] = px[i] * slope + intercept;
  return out;
}

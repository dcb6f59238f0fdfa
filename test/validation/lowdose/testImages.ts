/** Synthetic images and ROI statistics shared by the validation/lowdose tests. */

/** size x size image: `inside` within radiusPx of the centre, `outside` elsewhere (hard edge). */
export function discImage(size: number, radiusPx: number, inside: number, outside: number): Float32Array {
  const image = new Float32Array(size * size).fill(outside);
  const c = (size - 1) / 2;
  for (let i = 0; i < size; i++) {
    for (let j = 0; j < size; j++) {
      if ((i - c) ** 2 + (j - c) ** 2 <= radiusPx * radiusPx) image[i * size + j] = inside;
    }
  }
  return image;
}

/** Mean, standard deviation, RMS of (value - reference) and count over the central disc of radius radiusPx. */
export function centralStats(
  image: Float32Array,
  size: number,
  radiusPx: number,
  reference = 0,
): { mean: number; sd: number; rms: number; count: number } {
  const c = (size - 1) / 2;
  let sum = 0;
  let sum2 = 0;
  let err2 = 0;
  let count = 0;
  for (let i = 0; i < size; i++) {
    for (let j = 0; j < size; j++) {
      if ((i - c) ** 2 + (j - c) ** 2 > radiusPx * radiusPx) continue;
      const v = image[i * size + j];
      sum += v;
      sum2 += v * v;
      err2 += (v - reference) ** 2;
      count++;
    }
  }
  const mean = sum / count;
  return { mean, sd: Math.sqrt(sum2 / count - mean * mean), rms: Math.sqrt(err2 / count), count };
}

/** Element-wise a - b. */
export function difference(a: Float32Array, b: Float32Array): Float32Array {
  const out = new Float32Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = a[i] - b[i];
  return out;
}

/** Like discImage, with each pixel holding its covered area fraction (8 x 8 supersampling): a partial-volume disc. */
export function smoothDiscImage(size: number, radiusPx: number, inside: number, outside: number): Float32Array {
  const image = new Float32Array(size * size);
  const c = (size - 1) / 2;
  const sub = 8;
  for (let i = 0; i < size; i++) {
    for (let j = 0; j < size; j++) {
      let covered = 0;
      for (let a = 0; a < sub; a++) {
        for (let b = 0; b < sub; b++) {
          const y = i - 0.5 + (a + 0.5) / sub - c;
          const x = j - 0.5 + (b + 0.5) / sub - c;
          if (x * x + y * y <= radiusPx * radiusPx) covered++;
        }
      }
      const f = covered / (sub * sub);
      image[i * size + j] = outside + f * (inside - outside);
    }
  }
  return image;
}

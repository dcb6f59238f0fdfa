import type { MucosaTexture } from './mucosaTexture.js';

// Math members bound once: global lookups are slow inside Jest's vm contexts, and this code is hot.
const { SQRT2, abs, ceil, cos, floor, max, min, round, sin } = Math;

/**
 * Camera optics fixed to the frame: vignetting v(r) = 1 - 0.35·r² - 0.1·r⁴ (r = distance from the centre over
 * half the frame side) and a regular octagonal field stop of apothem 0.485·size, outside which the frame is
 * black, anti-aliased over one pixel (signed distance max(|x|, |y|, (|x| + |y|)/√2) - apothem).
 */
export function opticsMap(size: number): Float32Array {
  const map = new Float32Array(size * size);
  const c = (size - 1) / 2;
  const half = size / 2;
  const apothem = 0.485 * size;
  for (let i = 0; i < size; i++) {
    for (let j = 0; j < size; j++) {
      const x = j - c;
      const y = i - c;
      const r2 = (x * x + y * y) / (half * half);
      const vignette = 1 - 0.35 * r2 - 0.1 * r2 * r2;
      const sd = max(abs(x), abs(y), (abs(x) + abs(y)) / SQRT2) - apothem;
      const inside = min(1, max(0, 0.5 - sd));
      map[i * size + j] = max(0, vignette) * inside;
    }
  }
  return map;
}

/**
 * Renders one RGB frame: the texture seen by a camera whose top-left pixel sits at world (x0, y0), averaged over
 * a linear motion path (box blur of `lengthPx` along `angleRad`, ceil(L) + 1 equally spaced bilinear samples
 * spanning [-L/2, L/2]), then multiplied by the optics map. The blur acts on the scene before the optics, as
 * camera motion does. Output: 8-bit interleaved RGB, 0.5-rounded and clipped.
 */
export function renderFrame(
  texture: MucosaTexture,
  optics: Float32Array,
  size: number,
  x0: number,
  y0: number,
  lengthPx: number,
  angleRad: number,
): Uint8Array {
  const world = texture.size;
  const mask = world - 1;
  const rgb = texture.rgb;
  const samples = lengthPx > 0 ? ceil(lengthPx) + 1 : 1;
  const offsetsX = new Float64Array(samples);
  const offsetsY = new Float64Array(samples);
  for (let k = 0; k < samples; k++) {
    const s = samples === 1 ? 0 : (k / (samples - 1) - 0.5) * lengthPx;
    offsetsX[k] = s * cos(angleRad);
    offsetsY[k] = s * sin(angleRad);
  }
  const out = new Uint8Array(size * size * 3);
  const inverse = 255 / samples;
  for (let i = 0; i < size; i++) {
    for (let j = 0; j < size; j++) {
      const o = optics[i * size + j];
      const p = 3 * (i * size + j);
      if (o <= 0) continue;
      let r = 0;
      let g = 0;
      let b = 0;
      for (let k = 0; k < samples; k++) {
        const wx = x0 + j + offsetsX[k];
        const wy = y0 + i + offsetsY[k];
        const fx = floor(wx);
        const fy = floor(wy);
        const tx = wx - fx;
        const ty = wy - fy;
        const x1 = fx & mask;
        const x2 = (fx + 1) & mask;
        const r1 = (fy & mask) * world;
        const r2 = ((fy + 1) & mask) * world;
        const w11 = (1 - tx) * (1 - ty);
        const w12 = tx * (1 - ty);
        const w21 = (1 - tx) * ty;
        const w22 = tx * ty;
        const a = 3 * (r1 + x1);
        const bb = 3 * (r1 + x2);
        const c = 3 * (r2 + x1);
        const d = 3 * (r2 + x2);
        r += w11 * rgb[a] + w12 * rgb[bb] + w21 * rgb[c] + w22 * rgb[d];
        g += w11 * rgb[a + 1] + w12 * rgb[bb + 1] + w21 * rgb[c + 1] + w22 * rgb[d + 1];
        b += w11 * rgb[a + 2] + w12 * rgb[bb + 2] + w21 * rgb[c + 2] + w22 * rgb[d + 2];
      }
      const scale = inverse * o;
      out[p] = min(255, round(r * scale));
      out[p + 1] = min(255, round(g * scale));
      out[p + 2] = min(255, round(b * scale));
    }
  }
  return out;
}

import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const TINY_PACK = join(process.cwd(), 'models/packs/tiny-test');
const DIR = join(process.cwd(), 'test/models/golden');

interface Manifest {
  input_ids: number[];
  prompt: string;
  degradation: string;
  scheduler: { timesteps: number[] };
  tensors: Record<string, { file: string; dtype: string; shape: number[] }>;
}

export const golden = JSON.parse(readFileSync(join(DIR, 'manifest.json'), 'utf8')) as Manifest;

/** A float32 tensor of the PyTorch reference run (little-endian, C order). */
export function goldenF32(name: string): Float32Array {
  const t = golden.tensors[name];
  const buf = readFileSync(join(DIR, t.file));
  return new Float32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`lengths differ: ${a.length} vs ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

/** Frame i of a [k, C, H, W] block. */
export function frameOf(block: Float32Array, i: number, per: number): Float32Array {
  return block.slice(i * per, (i + 1) * per);
}

/**
 * The GSDiff graphs one at a time (U-Net, DPM, TRN, VAE), at the shapes one 512x512 tile-window feeds them, on one
 * execution provider: median milliseconds per call. Its PyTorch twin is models/training/bench_graphs.py (same
 * modules, same shapes); `bench/graphRatio.sh` runs both and prints the ratio issue "Step 9" asks for (WebGPU EP
 * within 1.5x of PyTorch CUDA on the GPU host; on this machine, ORT CPU vs PyTorch CPU).
 * Usage: node dist/bench/graphs.js [--pack models/packs/gsdiff-t] [--device cpu|webgpu] [--reps 20]
 */
import { createLogger } from '../common/index.js';
import { f32, loadPack, timestepTensor, type DeviceRequest } from '../models/index.js';

const args = process.argv.slice(2);
const flag = (name: string, fallback: string): string => {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] ? args[i + 1] : fallback;
};
const packDir = flag('--pack', 'models/packs/gsdiff-t');
const device = flag('--device', 'cpu') as DeviceRequest;
const reps = Number(flag('--reps', '20'));

const pack = await loadPack(packDir, { device, logger: createLogger('warn') });
if (pack.kind !== 'gsdiff') throw new Error(`bench/graphs: ${packDir}: expected a GSDiff pack, got ${pack.kind}`);
const { index, sessions, shapes } = pack;
const k = index.grid.rows * index.grid.cols;
const C = index.latent.channels;
const h = (index.grid.rows * index.tile.height) / index.latent.downscale;
const w = (index.grid.cols * index.tile.width) / index.latent.downscale;
let seed = 7;
const rnd = (n: number): Float32Array =>
  Float32Array.from({ length: n }, () => ((seed = (seed * 16807) % 2147483647) / 2147483647) * 2 - 1);

const embed = Number(
  (sessions.degradation_extractor.inputMetadata[0] as { shape: readonly (string | number)[] }).shape[1],
);
const zdOut = await sessions.degradation_extractor.run({
  image_embeds: f32(rnd(embed), [1, embed]),
  text_embeds: f32(rnd(embed), [1, embed]),
});
const zD = zdOut.z_d;
const lat = [1, C, h, w];
const fD = f32(rnd(C * h * w), lat);
const zT = f32(rnd(C * h * w), lat);
const dpmFeeds = {
  f_d: fD,
  z_t: zT,
  timestep: timestepTensor(1, shapes.timestepType.dpm, shapes.timestepRank.dpm),
  z_d: zD,
};
const residuals = await sessions.dpm.run(dpmFeeds);
const unetFeeds: Record<string, unknown> = {
  sample: zT,
  timestep: timestepTensor(1, shapes.timestepType.unet, shapes.timestepRank.unet),
  encoder_hidden_states: zD,
};
for (const name of shapes.residuals) unetFeeds[name] = residuals[name];
const frames = f32(rnd(k * 3 * index.tile.height * index.tile.width), [1, k, 3, index.tile.height, index.tile.width]);
const grid = f32(rnd(3 * h * w * index.latent.downscale ** 2), [
  1,
  3,
  h * index.latent.downscale,
  w * index.latent.downscale,
]);

const graphs: Record<string, () => Promise<unknown>> = {
  unet: () => sessions.unet.run(unetFeeds as Parameters<typeof sessions.unet.run>[0]),
  dpm: () => sessions.dpm.run(dpmFeeds),
  trn: () => sessions.trn.run({ frames }),
  vae_encoder: () => sessions.vae_encoder.run({ sample: grid }),
  vae_decoder: () => sessions.vae_decoder.run({ latent_sample: zT }),
};
const medians: Record<string, number> = {};
for (const [name, call] of Object.entries(graphs)) {
  for (let i = 0; i < 3; i++) await call();
  const ms: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    await call();
    ms.push(performance.now() - t0);
  }
  ms.sort((a, b) => a - b);
  medians[name] = +ms[Math.floor(ms.length / 2)].toFixed(2);
}
await pack.release();
process.stdout.write(
  `${JSON.stringify({ runtime: 'onnxruntime-node', device: pack.device, pack: `${index.name} ${index.version}`, shapes: { latent: lat, frames: frames.dims }, reps, medianMs: medians })}\n`,
);

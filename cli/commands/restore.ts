import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '../../common/index.js';
import {
  DEFAULT_STRENGTH,
  loadPack,
  restoreSeries,
  STRENGTH_WEIGHTS,
  type DeviceRequest,
  type SeriesSource,
  type SeriesTimings,
  type Strength,
} from '../../models/index.js';
import {
  derivedSeriesSpec,
  DerivedSeriesWriter,
  LocalStore,
  pacsError,
  restorationDerivation,
  type DerivationInfo,
  type DicomInstance,
} from '../../pacs-adapters/index.js';
import { createRng } from '../../validation/index.js';
import { EXIT } from '../exitCodes.js';
import { progress } from '../progress.js';
import { VERSION } from '../version.js';
import { seriesFrame, seriesFromPaths } from './seriesFromPaths.js';

export interface RestoreCommandOptions {
  pack: string;
  device: DeviceRequest;
  out?: string;
  storeDir: string;
  series?: string;
  /** 1-based inclusive slice range "a-b" of the assembled series (whole instances only). */
  frames?: string;
  steps?: number;
  /** Restoration strength, every pack class (default medium): the blend of each restored frame with its input. */
  strength?: Strength;
  /** GSDiff only: diffusers' img2img strength in (0, 1] (default: the pack's). */
  img2imgStrength?: number;
  seed: number;
  degradation?: string;
  vlmUrl?: string;
  vlmModel?: string;
  vlmTimeoutMs: number;
  /** CT: restore air tiles too (RestoreOptions.skipAir false). */
  keepAir?: boolean;
  json?: boolean;
  logger: Logger;
}

/**
 * `gsdiff restore <paths...> --pack <dir>`: restores one series with a GSDiff pack or a single-network denoiser
 * pack and writes it as a derived series — into `--out <dir>/<SeriesInstanceUID>/` (written under a temporary name,
 * renamed when complete) or, by default, staged into the local store and published whole. Prints the degradation
 * text and per-stage timings. `--strength` (low | medium | high, default medium) blends every restored frame with its
 * input for any pack and is recorded in SeriesDescription and DerivationDescription. With a denoiser pack, the
 * sampling and recognition flags (--steps, --img2img-strength, --degradation, --vlm-url) are ignored, and a note on
 * stderr says so once.
 * @returns an EXIT code
 */
export async function restoreCommand(
  paths: readonly string[],
  o: RestoreCommandOptions,
  out: NodeJS.WritableStream,
  err: NodeJS.WritableStream = process.stderr,
): Promise<number> {
  const loaded = await seriesFromPaths(paths, o.series);
  const s = loaded.series;
  const [first, last] = parseRange(o.frames, s.slices.length);
  const slices = s.slices.slice(first, last + 1);
  const byInstance = new Map<string, number>();
  for (const ref of slices) byInstance.set(ref.sopInstanceUid, (byInstance.get(ref.sopInstanceUid) ?? 0) + 1);
  for (const [uid, n] of byInstance) {
    const inst = loaded.instances.get(uid) as DicomInstance;
    if (n !== inst.header.numberOfFrames) {
      throw pacsError(
        'PACS_ERR_FRAME_INDEX',
        `--frames ${o.frames} covers ${n} of the ${inst.header.numberOfFrames} frames of instance ${uid}: expected whole instances`,
        {
          file: inst.file,
          tag: '00280008',
        },
      );
    }
  }
  const h = s.firstHeader;
  const strength = o.strength ?? DEFAULT_STRENGTH;
  const runStrength = { level: strength, weight: STRENGTH_WEIGHTS[strength] };
  const pack = await loadPack(o.pack, { device: o.device, logger: o.logger });
  const denoiser = pack.kind !== 'gsdiff';
  if (denoiser) {
    const ignored = Object.entries({
      '--steps': o.steps,
      '--img2img-strength': o.img2imgStrength,
      '--degradation': o.degradation,
      '--vlm-url': o.vlmUrl,
    }).filter(([, v]) => v !== undefined);
    if (ignored.length)
      err.write(
        `gsdiff: note: ${ignored.map(([k]) => k).join(', ')} ignored: pack "${pack.index.name}" is a ${pack.kind === 'filter' ? 'classical filter' : 'single-network denoiser'}\n`,
      );
  }
  const store = o.out ? undefined : await LocalStore.open(o.storeDir, { logger: o.logger });
  const isRgb = s.samplesPerPixel === 3;
  const rng = createRng(o.seed);
  const src: SeriesSource = isRgb
    ? {
        kind: 'rgb',
        count: slices.length,
        height: s.rows,
        width: s.columns,
        frame: async (i) => (await seriesFrame({ ...loaded, series: { ...s, slices } }, i)) as Uint8Array,
      }
    : {
        kind: 'ct',
        count: slices.length,
        height: s.rows,
        width: s.columns,
        frame: async (i) => (await seriesFrame({ ...loaded, series: { ...s, slices } }, i)) as Float32Array,
      };
  const taken = store ? store.listSeries(s.studyInstanceUid).map((x) => x.seriesNumber ?? 0) : [s.seriesNumber ?? 0];
  const spec = derivedSeriesSpec(h, taken, new Date(), strength);
  const stage = store ? await store.stageSeries() : undefined;
  const partial = o.out ? join(o.out, `.partial-${spec.seriesInstanceUid}`) : undefined;
  if (partial) await mkdir(partial, { recursive: true });
  const writer = new DerivedSeriesWriter({
    slices,
    kind: isRgb ? 'rgb' : 'modality',
    spec,
    source: (uid) => loaded.instances.get(uid) as DicomInstance,
  });
  const bar = progress('restoring', slices.length);
  let degradation = '';
  let timings: SeriesTimings | undefined;
  try {
    const events = restoreSeries(pack, src, {
      noise: (n) => Float32Array.from({ length: n }, () => rng.normal()),
      header: {
        modality: h.modality,
        sopClassUid: h.sopClassUid,
        samplesPerPixel: h.samplesPerPixel,
        acquisition: h.acquisition,
      },
      strength,
      ...(denoiser
        ? {}
        : {
            steps: o.steps,
            img2imgStrength: o.img2imgStrength,
            skipAir: !o.keepAir,
            degradation: o.degradation,
            vlm: o.vlmUrl
              ? { baseUrl: o.vlmUrl, model: o.vlmModel ?? 'default', timeoutMs: o.vlmTimeoutMs }
              : undefined,
          }),
      logger: o.logger,
    });
    let derivation: DerivationInfo | undefined;
    for await (const ev of events) {
      if (ev.type === 'degradation') {
        degradation = ev.estimate.phrase;
        derivation =
          pack.kind !== 'gsdiff'
            ? restorationDerivation({
                pipeline: 'denoiser',
                pack: { ...pack.index, sha256: pack.sha256 },
                device: pack.device,
                strength: runStrength,
                softwareVersion: VERSION,
              })
            : restorationDerivation({
                degradation,
                pack: { ...pack.index, sha256: pack.sha256 },
                device: pack.device,
                steps: o.steps ?? pack.index.defaults.steps,
                img2imgStrength: o.img2imgStrength ?? pack.index.defaults.strength,
                strength: runStrength,
                seed: o.seed,
                softwareVersion: VERSION,
              });
      } else if (ev.type === 'frame') {
        bar.tick(`slice ${ev.index + 1}`);
        const d = await writer.add(ev.index, ev.values, derivation as DerivationInfo);
        if (d) {
          const inst = loaded.instances.get(slices[ev.index].sopInstanceUid) as DicomInstance;
          if (stage) await stage.add(d.bytes, `gsdiff restore ${inst.file}`);
          else await writeFile(join(partial as string, `${d.sopInstanceUid}.dcm`), d.bytes);
        }
      } else {
        timings = ev.timings;
      }
    }
    if (stage) await stage.commit();
    else await rename(partial as string, join(o.out as string, spec.seriesInstanceUid));
  } catch (e) {
    await stage?.abort().catch(() => undefined);
    if (partial) await rm(partial, { recursive: true, force: true });
    throw e;
  } finally {
    bar.stop();
    await pack.release();
    await store?.close();
  }
  const t = timings as SeriesTimings;
  const perSecond = slices.length / (t.total / 1000);
  const result = {
    seriesInstanceUid: spec.seriesInstanceUid,
    seriesDescription: spec.seriesDescription,
    destination: o.out ? join(o.out, spec.seriesInstanceUid) : o.storeDir,
    instances: writer.written,
    images: slices.length,
    clippedPixels: writer.clippedPixels,
    degradation,
    strength: runStrength,
    pack: { name: pack.index.name, version: pack.index.version, sha256: pack.sha256 },
    device: pack.device,
    timingsMs: Object.fromEntries(Object.entries(t).map(([k, v]) => [k, Math.round(v)])),
    imagesPerSecond: +perSecond.toFixed(3),
  };
  if (o.json) out.write(`${JSON.stringify(result, null, 2)}\n`);
  else {
    out.write(
      `restored ${slices.length} image(s) of "${s.seriesDescription ?? s.seriesInstanceUid}" on ${pack.device} with ${pack.index.name} ${pack.index.version}\n`,
    );
    out.write(`degradation: ${degradation}\n`);
    out.write(`strength: ${strength} (blend ${runStrength.weight} with the input)\n`);
    out.write(
      `derived series ${spec.seriesInstanceUid} "${spec.seriesDescription}": ${writer.written} instance(s) -> ${result.destination}\n`,
    );
    out.write(
      `timings (ms): ${Object.entries(result.timingsMs)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ')}\n`,
    );
    out.write(`throughput: ${perSecond.toFixed(3)} images/s\n`);
  }
  return EXIT.OK;
}

function parseRange(spec: string | undefined, n: number): [number, number] {
  if (!spec) return [0, n - 1];
  const m = /^(\d+)(?:-(\d+))?$/.exec(spec);
  const a = m ? Number(m[1]) : NaN;
  const b = m ? Number(m[2] ?? m[1]) : NaN;
  if (!(a >= 1 && b >= a && b <= n)) {
    throw pacsError('PACS_ERR_FRAME_INDEX', `--frames "${spec}": expected a 1-based range a-b within 1-${n}`, {
      field: '--frames',
    });
  }
  return [a - 1, b - 1];
}

import type { Logger } from '../../common/index.js';
import { loadPack, type DeviceRequest, type LoadedPack, type Strength } from '../../models/index.js';
import { DERIVED_VIDEO_SYNTAX, pacsError, type DerivedVideoEncoding } from '../../pacs-adapters/index.js';
import { restoreDicomSeries, type RestoredSeries } from '../../restore/index.js';
import { EXIT } from '../exitCodes.js';
import { progress } from '../progress.js';
import { VERSION } from '../version.js';
import { strengthPhrase } from './packStrengths.js';
import { openDestination, type RestoreDestination } from './restoreOutput.js';
import { instanceOf, seriesFromPaths } from './seriesFromPaths.js';

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
  /** RGB series: the derived instances as H.264 / HEVC video (lossy, recorded); absent, lossless. */
  video?: DerivedVideoEncoding;
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
 * stderr says so once. `--video h264|hevc` writes an RGB series' derived instances as video (lossy, recorded in
 * LossyImageCompression, its method and ratio) for archives that expect video.
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
    const inst = instanceOf(loaded, uid);
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
  const pack = await loadPack(o.pack, { device: o.device, logger: o.logger });
  if (pack.kind !== 'gsdiff') noteIgnoredFlags(o, pack, err);
  const bar = progress('restoring', slices.length);
  let destination: RestoreDestination | undefined;
  let restored: RestoredSeries;
  let location: string;
  try {
    const dest = await openDestination(o, s);
    destination = dest;
    restored = await restoreDicomSeries(
      { series: { ...s, slices }, instance: (uid) => instanceOf(loaded, uid) },
      pack,
      {
        seed: o.seed,
        strength: o.strength,
        degradation: o.degradation,
        steps: o.steps,
        img2imgStrength: o.img2imgStrength,
        skipAir: !o.keepAir,
        video: o.video,
        vlm: o.vlmUrl ? { baseUrl: o.vlmUrl, model: o.vlmModel ?? 'default', timeoutMs: o.vlmTimeoutMs } : undefined,
        takenSeriesNumbers: dest.takenSeriesNumbers,
        softwareVersion: VERSION,
        logger: o.logger,
      },
      {
        open: async (derived) => ({
          ...(await dest.files(derived)),
          frame: (index) => bar.tick(`slice ${index + 1}`),
        }),
      },
    );
    location = dest.location(restored.derivedSeries);
  } finally {
    bar.stop();
    await pack.release();
    await destination?.close();
  }
  const t = restored.timings;
  const { strength, derivedSeries: spec, degradation } = restored;
  const perSecond = slices.length / (t.total / 1000);
  const result = {
    seriesInstanceUid: spec.seriesInstanceUid,
    seriesDescription: spec.seriesDescription,
    destination: location,
    instances: restored.instances,
    images: slices.length,
    clippedPixels: restored.clippedPixels,
    transferSyntax: o.video ? DERIVED_VIDEO_SYNTAX[o.video] : 'lossless',
    degradation,
    strength,
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
    out.write(`strength: ${strength.level} (${strengthPhrase(strength)})\n`);
    out.write(
      `derived series ${spec.seriesInstanceUid} "${spec.seriesDescription}": ${restored.instances} instance(s) -> ${result.destination}\n`,
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

/** A denoiser or filter pack takes no sampling or recognition flags: say once which were given for nothing. */
function noteIgnoredFlags(o: RestoreCommandOptions, pack: LoadedPack, err: NodeJS.WritableStream): void {
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

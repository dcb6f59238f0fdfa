import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import * as ort from 'onnxruntime-node';
import { describeThrown, type Logger } from '../../common/index.js';
import type { DeviceRequest } from '../../wire/index.js';
import { modelError } from '../errors.js';

/** A device or `auto`: part of the job record (wire/), so defined there. */
export type { DeviceRequest };
export type Device = Exclude<DeviceRequest, 'auto'>;
export const DEVICE_REQUESTS: readonly DeviceRequest[] = ['auto', 'cpu', 'webgpu', 'cuda'];

/** Most capable first: `auto` tries them in this order and keeps the first that creates a session. */
const AUTO_ORDER: readonly Device[] = ['cuda', 'webgpu', 'cpu'];

const WHY_UNAVAILABLE: Record<Device, string> = {
  cpu: 'the CPU provider failed to load',
  webgpu: 'no WebGPU adapter (a GPU with a Vulkan driver is needed on Linux)',
  cuda: 'onnxruntime-node ships without its CUDA libraries; they come from NuGet through its install script (ONNXRUNTIME_NODE_INSTALL_CUDA=v12, network access to NuGet, CUDA 12 + cuDNN 9 on the host), which this installation skipped',
};

/** Short reasons for the one-line device choice (the full errors go to the debug log). */
const SHORT_WHY: Record<Device, string> = {
  cpu: 'the CPU provider failed to load',
  webgpu: 'no WebGPU adapter',
  cuda: 'CUDA libraries not installed',
};

/** A device `auto` passed over, and why. */
export interface SkippedDevice {
  readonly device: Device;
  readonly why: string;
}

/**
 * The one log line saying which device `auto` chose and why the more capable ones were passed over.
 * @example autoChoiceLine('cpu', [{ device: 'cuda', why: '…' }, { device: 'webgpu', why: '…' }])
 * // 'device auto: using cpu (cuda: CUDA libraries not installed; webgpu: no WebGPU adapter)'
 */
export function autoChoiceLine(device: Device, skipped: readonly SkippedDevice[]): string {
  const why = skipped.map((s) => `${s.device}: ${SHORT_WHY[s.device]}`).join('; ');
  return `device auto: using ${device}${why ? ` (${why})` : ''}`;
}

/** The probe's answer: whether the host has a WebGPU adapter does not change, so a process asks once. */
let webgpuProbe: Promise<{ ok: true } | { ok: false; why: string }> | undefined;
/** Device choices already logged: a pack's components all choose alike, and one line says so. */
const choiceLogged = new Set<string>();

/** The probe run in a child process: creates a WebGPU session on the model and says whether that worked. */
const PROBE_SOURCE = `
const m = await import(process.argv[1]);
const ort = m.InferenceSession ? m : m.default;
let answer;
try {
  const s = await ort.InferenceSession.create(process.argv[2], { executionProviders: ['webgpu'] });
  await s.release();
  answer = { ok: true };
} catch (e) {
  answer = { ok: false, why: String(e && e.message ? e.message : e).split('\\n')[0] };
}
process.stdout.write(JSON.stringify(answer), () => process.exit(0));
`;

/**
 * Whether WebGPU can create a session (tried on the first model asked about), asked of a child process whose stderr is dropped: on a host
 * without a GPU the Vulkan loader prints its warnings (`vkCreateInstance: Found no drivers`) straight to stderr,
 * which no log level silences. The parent then only initialises WebGPU where it works.
 */
export function probeWebGpu(modelPath: string): Promise<{ ok: true } | { ok: false; why: string }> {
  if (!webgpuProbe) {
    const ortEntry = pathToFileURL(createRequire(import.meta.url).resolve('onnxruntime-node')).href;
    webgpuProbe = new Promise((resolve) => {
      execFile(
        process.execPath,
        ['--input-type=module', '-e', PROBE_SOURCE, ortEntry, modelPath],
        { timeout: 60_000, maxBuffer: 1 << 20 },
        (error, stdout) => {
          try {
            const answer = JSON.parse(String(stdout)) as { ok: boolean; why?: string };
            resolve(answer.ok ? { ok: true } : { ok: false, why: answer.why ?? 'unknown' });
          } catch {
            resolve({ ok: false, why: `the WebGPU probe gave no answer (${error ? error.message : 'empty output'})` });
          }
        },
      );
    });
  }
  return webgpuProbe;
}

export function isBundled(device: Device): boolean {
  return ort.listSupportedBackends().some((b) => b.name === device && b.bundled);
}

/**
 * Creates one session on the resolved device. For `auto`, devices are tried in AUTO_ORDER (WebGPU only after a quiet
 * probe in a child process said it works) and the choice is logged in one line;
 * an explicitly requested device that cannot run fails with MODEL_ERR_DEVICE_UNAVAILABLE saying why — never a
 * silent fallback (onnxruntime itself has none: `['webgpu','cpu']` rejects when WebGPU has no adapter).
 */
export async function createSessionOn(
  modelPath: string,
  request: DeviceRequest,
  log: Logger,
): Promise<{ session: ort.InferenceSession; device: Device }> {
  const candidates = request === 'auto' ? AUTO_ORDER : [request];
  const tried: string[] = [];
  const skipped: SkippedDevice[] = [];
  for (const device of candidates) {
    if (device === 'cuda' && !isBundled('cuda')) {
      tried.push(`cuda: ${WHY_UNAVAILABLE.cuda}`);
      skipped.push({ device, why: WHY_UNAVAILABLE.cuda });
      continue;
    }
    if (device === 'webgpu' && request === 'auto') {
      const probe = isBundled('webgpu') ? await probeWebGpu(modelPath) : { ok: false as const, why: 'not bundled' };
      if (!probe.ok) {
        tried.push(`webgpu: ${probe.why}`);
        skipped.push({ device, why: probe.why });
        continue;
      }
    }
    try {
      const session = await ort.InferenceSession.create(modelPath, {
        executionProviders: [device],
        graphOptimizationLevel: 'all',
      });
      if (request === 'auto') {
        // One line per model path; the full reasons only at debug level.
        log.debug({ device, tried }, 'device auto: the devices tried');
        const line = autoChoiceLine(device, skipped);
        if (!choiceLogged.has(line)) log.info({ device }, line);
        choiceLogged.add(line);
      }
      return { session, device };
    } catch (e) {
      tried.push(`${device}: ${describeThrown(e).split('\n')[0]}`);
      skipped.push({ device, why: describeThrown(e).split('\n')[0] });
      if (request !== 'auto') break;
    }
  }
  const device = request === 'auto' ? 'any' : request;
  throw modelError(
    'MODEL_ERR_DEVICE_UNAVAILABLE',
    `device ${device} is not available: ${request === 'auto' ? tried.join('; ') : `${WHY_UNAVAILABLE[request]} (${tried.join('; ')})`}`,
    { device },
  );
}

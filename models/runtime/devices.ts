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

export function isBundled(device: Device): boolean {
  return ort.listSupportedBackends().some((b) => b.name === device && b.bundled);
}

/**
 * Creates one session on the resolved device. For `auto`, devices are tried in AUTO_ORDER and the choice is logged;
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
  for (const device of candidates) {
    if (device === 'cuda' && !isBundled('cuda')) {
      tried.push(`cuda: ${WHY_UNAVAILABLE.cuda}`);
      continue;
    }
    try {
      const session = await ort.InferenceSession.create(modelPath, {
        executionProviders: [device],
        graphOptimizationLevel: 'all',
      });
      if (request === 'auto') log.info({ device, tried }, `device auto: using ${device}`);
      return { session, device };
    } catch (e) {
      tried.push(`${device}: ${describeThrown(e).split('\n')[0]}`);
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

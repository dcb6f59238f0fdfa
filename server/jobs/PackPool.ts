import { resolve } from 'node:path';
import type { Logger } from '../../common/index.js';
import { loadPack, type Device, type DeviceRequest, type LoadedPack } from '../../models/index.js';

/**
 * Loaded packs shared by every job: a pack is loaded once per (folder, device request) and its sessions are reused
 * by all later jobs (onnxruntime sessions may run concurrently). A failed load is not cached: the next job retries.
 */
export class PackPool {
  private readonly packs = new Map<string, Promise<LoadedPack>>();
  private autoDevice: Device | undefined;

  constructor(private readonly logger: Logger) {}

  /**
   * The loaded pack for a folder and device request, loading it on first use.
   * @throws every error of loadPack (MODEL_ERR_PACK_*, MODEL_ERR_DEVICE_UNAVAILABLE)
   */
  acquire(packDir: string, device: DeviceRequest): Promise<LoadedPack> {
    const key = `${resolve(packDir)}|${device}`;
    let p = this.packs.get(key);
    if (!p) {
      const t0 = performance.now();
      p = loadPack(packDir, { device, logger: this.logger }).then(
        (pack) => {
          if (device === 'auto') this.autoDevice = pack.device;
          this.logger.info(
            { pack: pack.index.name, device: pack.device, ms: Math.round(performance.now() - t0) },
            'pack loaded',
          );
          return pack;
        },
        (e: unknown) => {
          this.packs.delete(key);
          throw e;
        },
      );
      this.packs.set(key, p);
    }
    return p;
  }

  /** True when jobs on this device request run on a GPU (one at a time); `auto` counts as one until resolved. */
  isGpu(device: DeviceRequest): boolean {
    const d = device === 'auto' ? (this.autoDevice ?? 'cuda') : device;
    return d !== 'cpu';
  }

  /** Releases every loaded pack's sessions. */
  async close(): Promise<void> {
    const all = [...this.packs.values()];
    this.packs.clear();
    for (const p of all) {
      const pack = await p.catch(() => undefined);
      await pack?.release().catch(() => undefined);
    }
  }
}

import type { Redis } from 'ioredis';
import { endianness } from 'node:os';
import type { FramesMeta } from '../frameFiles.js';
import type { JobError, JobTimings } from '../JobRecord.js';
import type { RestoreSink } from '../stages/restoreFrames.js';
import { encodeOutEntry, type OutEntry, type WorkerPatch } from './outEntries.js';
import { KEYS } from './queueKeys.js';

type Body<T extends OutEntry['type']> = Omit<Extract<OutEntry, { type: T }>, 'type' | 'jobId' | 'attempt'>;

const LITTLE = endianness() === 'LE';

/**
 * A worker's writer of one attempt's output into `gsdiff:out`, in order (one connection: ioredis keeps the order
 * of the commands it sends). Record patches are sent without waiting (the stages call `update` synchronously); a
 * failure of one surfaces at the next awaited write. Frames wait while the server's relay cursor is more than
 * `maxLagMs` behind this writer's last entry: a server that is down or slow holds workers back instead of filling
 * Redis' memory with frames.
 */
export class OutWriter implements RestoreSink {
  private failure: unknown;
  private sinceCheck = 0;
  private lastMs = 0;

  constructor(
    private readonly redis: Redis,
    readonly jobId: string,
    readonly attempt: string,
    private readonly signal: AbortSignal,
    private readonly maxLagMs = 20_000,
  ) {}

  start(body: Body<'start'>): Promise<void> {
    return this.add({ type: 'start', ...this.ids(), ...body });
  }

  /** Fire-and-forget (ordered after earlier writes). */
  record(patch: WorkerPatch): void {
    this.redis
      .xaddBuffer(KEYS.out, '*', ...encodeOutEntry({ type: 'record', ...this.ids(), patch }))
      .catch((e: unknown) => (this.failure ??= e));
  }

  async begin(meta: FramesMeta): Promise<void> {
    await this.add({ type: 'meta', ...this.ids(), meta });
  }

  async frame(index: number, values: Float32Array | Uint8Array, total: number): Promise<void> {
    if (++this.sinceCheck >= 8) {
      this.sinceCheck = 0;
      await this.waitForRoom();
    }
    await this.add({ type: 'frame', ...this.ids(), index, total, payload: littleEndianBytes(values) });
  }

  async instance(bytes: Uint8Array): Promise<void> {
    await this.add({
      type: 'instance',
      ...this.ids(),
      payload: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength),
    });
  }

  complete(derivedSeriesInstanceUid: string, instances: number, timings: JobTimings): Promise<void> {
    return this.add({ type: 'complete', ...this.ids(), derivedSeriesInstanceUid, instances, timings });
  }

  failed(error: JobError): Promise<void> {
    return this.add({ type: 'failed', ...this.ids(), error });
  }

  released(reason: string): Promise<void> {
    return this.add({ type: 'released', ...this.ids(), reason });
  }

  private ids(): { jobId: string; attempt: string } {
    return { jobId: this.jobId, attempt: this.attempt };
  }

  private async add(e: OutEntry): Promise<void> {
    if (this.failure) throw this.failure;
    const id = await this.redis.xaddBuffer(KEYS.out, '*', ...encodeOutEntry(e));
    if (id) this.lastMs = idMs(id.toString('latin1'));
  }

  private async waitForRoom(): Promise<void> {
    for (;;) {
      const cursor = await this.redis.get(KEYS.relayCursor);
      if (this.lastMs - idMs(cursor ?? '0-0') <= this.maxLagMs) return;
      this.signal.throwIfAborted();
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

function idMs(id: string): number {
  return Number(id.split('-')[0]) || 0;
}

function littleEndianBytes(values: Float32Array | Uint8Array): Buffer {
  const view = Buffer.from(values.buffer, values.byteOffset, values.byteLength);
  if (LITTLE || values instanceof Uint8Array) return view;
  return Buffer.from(view).swap32();
}

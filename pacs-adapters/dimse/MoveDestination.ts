import { pacsError } from '../errors.js';
import { Mutex } from '../local/Mutex.js';
import type { DimseContext } from './DimseContext.js';
import { startStoreScp, type RunningStoreScp } from './storeScp.js';
import type { ReceivedInstanceInfo } from './StoreScpConnection.js';

/** Where instances of the C-MOVE in progress go. */
export type MoveSink = (bytes: Uint8Array, info: ReceivedInstanceInfo) => Promise<void>;

/**
 * The adapter's own C-STORE SCP for C-MOVE: started on first use, on the configured port and AE title, accepting
 * associations from the peer's AE title only. One C-MOVE runs at a time (`exclusive`), so every instance that
 * arrives belongs to it; an instance arriving while none runs is refused (0x0110).
 */
export class MoveDestination {
  readonly #ctx: DimseContext;
  readonly #mutex = new Mutex();
  #scp: Promise<RunningStoreScp> | undefined;
  #sink: MoveSink | undefined;

  constructor(ctx: DimseContext) {
    this.#ctx = ctx;
  }

  /** Runs `fn` with the SCP listening and `sink` receiving, one caller at a time. */
  async *exclusive<T>(
    sink: MoveSink,
    fn: () => AsyncGenerator<T, void, undefined>,
  ): AsyncGenerator<T, void, undefined> {
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    let acquired: () => void = () => undefined;
    const got = new Promise<void>((resolve) => {
      acquired = resolve;
    });
    void this.#mutex.run(async () => {
      acquired();
      await held;
    });
    await got;
    try {
      await this.#ensureStarted();
      this.#sink = sink;
      yield* fn();
    } finally {
      this.#sink = undefined;
      release();
    }
  }

  /** Stops the SCP (if it was started). */
  async stop(): Promise<void> {
    const scp = this.#scp;
    this.#scp = undefined;
    if (scp) await (await scp.catch(() => undefined))?.stop();
  }

  #ensureStarted(): Promise<RunningStoreScp> {
    const { retrieve, peer, maxInstanceBytes, maxPduLength, dimseTimeoutMs } = this.#ctx.config;
    if (retrieve.mode !== 'move') throw new Error('MoveDestination used without retrieve.mode "move"');
    if (this.#ctx.closed.aborted) return Promise.reject(this.#ctx.closed.reason);
    this.#scp ??= startStoreScp({
      aet: retrieve.destinationAet,
      port: retrieve.port,
      host: retrieve.listenHost,
      acceptCallingAets: [peer.aet],
      maxInstanceBytes,
      maxPduLength,
      idleTimeoutMs: dimseTimeoutMs,
      logger: this.#ctx.log,
      onInstance: (bytes, _callingAet, info) => {
        const sink = this.#sink;
        if (!sink) {
          throw pacsError('PACS_ERR_DIMSE_STATUS', `C-STORE to ${retrieve.destinationAet} outside a C-MOVE: refused`, {
            operation: 'C-STORE',
          });
        }
        return sink(bytes, info);
      },
    });
    const started = this.#scp;
    started.catch(() => {
      if (this.#scp === started) this.#scp = undefined;
    });
    return started;
  }
}

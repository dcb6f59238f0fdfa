import { createServer, type Server, type Socket } from 'node:net';
import { createLogger, describeThrown, type Logger } from '../../common/index.js';
import { pacsError } from '../errors.js';
import { checkAet, checkHost } from './resolveDimseConfig.js';
import { STORAGE_SOP_CLASSES, SCP_TRANSFER_SYNTAXES } from './storageClasses.js';
import { StoreScpConnection, type ScpShared, type StoreScpHandler } from './StoreScpConnection.js';

export interface StoreScpOptions {
  /** Our AE title; associations calling another are rejected (unless checkCalledAet is false). */
  readonly aet: string;
  /** TCP port; 0 picks a free one (read it from the result). */
  readonly port: number;
  /** Address to listen on (default 127.0.0.1; 0.0.0.0 for modalities on other hosts). */
  readonly host?: string;
  /**
   * Receives each instance as a Part 10 file (the data set exactly as sent, framed with a File Meta group) and the
   * calling AE title; its settling decides the C-STORE status (see StoreScpVerdict). The SCP writes nothing.
   */
  readonly onInstance: StoreScpHandler;
  /** Only these calling AE titles may associate (default: any). */
  readonly acceptCallingAets?: readonly string[];
  /** Reject associations whose called AE title is not `aet` (default true). */
  readonly checkCalledAet?: boolean;
  /** Storage SOP classes accepted (default STORAGE_SOP_CLASSES). Verification (C-ECHO) is always accepted. */
  readonly sopClasses?: readonly string[];
  /** A data set larger than this is refused with 0xA700 without being kept (default 1 GiB). */
  readonly maxInstanceBytes?: number;
  /** Largest PDU we accept (default 262 144). */
  readonly maxPduLength?: number;
  /** An association silent for this long is closed (default 60 000 ms). */
  readonly idleTimeoutMs?: number;
  /** More simultaneous associations are rejected (transient, local limit exceeded) (default 16). */
  readonly maxAssociations?: number;
  /** Parent logger; the SCP logs through a child `{ module: 'pacs-adapters/dimse', role: 'scp' }`. */
  readonly logger?: Logger;
}

export interface RunningStoreScp {
  readonly aet: string;
  readonly host: string;
  /** The port it listens on (the kernel's choice when options.port was 0). */
  readonly port: number;
  /**
   * Stops listening, lets open associations finish for up to `graceMs` (default 2000), waits for callbacks in
   * flight, then closes what is left.
   */
  stop(graceMs?: number): Promise<void>;
}

/**
 * Starts a C-STORE SCP (with C-ECHO): the receiving end of C-MOVE, and of modalities or PACS pushing to us.
 * Presentation contexts: the configured storage SOP classes in every transfer syntax this module can decode
 * (compressed data is kept as it arrives), Explicit VR Little Endian preferred when several are proposed.
 * @throws PACS_ERR_CONFIG (bad option), PACS_ERR_DIMSE_LISTEN (address in use, no permission)
 * @example
 * const scp = await startStoreScp({ aet: 'GSDIFF', port: 11112, onInstance: (bytes, from) => store.storeInstance(bytes, `dimse:${from}`).then(() => undefined) });
 */
export async function startStoreScp(options: StoreScpOptions): Promise<RunningStoreScp> {
  const aet = checkAet('aet', options.aet);
  const host = checkHost('host', options.host ?? '127.0.0.1');
  const port = options.port;
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw pacsError('PACS_ERR_CONFIG', `store scp: port is ${String(port)}: expected 0-65535`, { field: 'port' });
  }
  if (typeof options.onInstance !== 'function') {
    throw pacsError('PACS_ERR_CONFIG', 'store scp: onInstance is missing: expected a function', {
      field: 'onInstance',
    });
  }
  const log = (options.logger ?? createLogger('silent')).child({ module: 'pacs-adapters/dimse', role: 'scp', aet });
  const sockets = new Set<Socket>();
  const inFlight = new Set<Promise<void>>();
  const shared: ScpShared = {
    aet,
    onInstance: options.onInstance,
    acceptCallingAets: options.acceptCallingAets
      ? new Set(options.acceptCallingAets.map((a, i) => checkAet(`acceptCallingAets[${i}]`, a)))
      : undefined,
    checkCalledAet: options.checkCalledAet ?? true,
    sopClasses: new Set(options.sopClasses ?? STORAGE_SOP_CLASSES),
    transferSyntaxes: SCP_TRANSFER_SYNTAXES,
    maxInstanceBytes: positive('maxInstanceBytes', options.maxInstanceBytes ?? 1024 * 1024 * 1024),
    maxPduLength: positive('maxPduLength', options.maxPduLength ?? 262_144),
    maxAssociations: positive('maxAssociations', options.maxAssociations ?? 16),
    log,
    openAssociations: () => sockets.size,
    track: (work) => {
      inFlight.add(work);
      void work.finally(() => inFlight.delete(work));
    },
  };
  const idleTimeoutMs = positive('idleTimeoutMs', options.idleTimeoutMs ?? 60_000);

  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    socket.setNoDelay(true);
    const connection = new StoreScpConnection(socket, { connectTimeout: idleTimeoutMs }, shared);
    connection.on('networkError', (e: Error) => {
      log.debug({ err: describeThrown(e) }, 'dimse scp: connection error');
      socket.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (e) =>
      reject(
        pacsError(
          'PACS_ERR_DIMSE_LISTEN',
          `store scp ${aet}: cannot listen on ${host}:${port}: ${describeThrown(e)}`,
          {
            host,
            port,
          },
          e,
        ),
      ),
    );
    server.listen({ port, host }, () => resolve());
  });
  server.on('error', (e) => log.error({ err: describeThrown(e) }, 'dimse scp: server error'));
  const address = server.address();
  const actualPort = typeof address === 'object' && address !== null ? address.port : port;
  log.info({ host, port: actualPort }, 'dimse scp: listening');

  let stopping: Promise<void> | undefined;
  return {
    aet,
    host,
    port: actualPort,
    stop: (graceMs = 2000) => {
      stopping ??= (async () => {
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        const deadline = Date.now() + graceMs;
        while ((sockets.size > 0 || inFlight.size > 0) && Date.now() < deadline) {
          await new Promise((r) => setTimeout(r, 20));
        }
        await Promise.allSettled([...inFlight]);
        for (const s of sockets) s.destroy();
        await closed;
        log.info('dimse scp: stopped');
      })();
      return stopping;
    },
  };
}

function positive(field: string, v: number): number {
  if (!Number.isSafeInteger(v) || v < 1) {
    throw pacsError('PACS_ERR_CONFIG', `store scp: ${field} is ${String(v)}: expected an integer >= 1`, { field });
  }
  return v;
}

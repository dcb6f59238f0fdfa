import {
  decodeFrameMessage,
  parseServerMessage,
  type JobEnd,
  type JobRecord,
  type ServerMessage,
  type StreamedFrame,
} from '../../wire/index.js';
import type { ApiClient } from './api.js';
import { describeError } from './errors.js';

export interface JobStreamHandlers {
  /** The job record changed (state, stage, degradation, derived series). */
  onJob(job: JobRecord): void;
  /** A restored frame arrived (frames come in index order). */
  onFrame(frame: StreamedFrame): void;
  /** The job ended; every frame has been delivered before. */
  onEnd(end: JobEnd, job: JobRecord): void;
  /** The stream failed for good (after reconnect attempts) or the server refused it. */
  onError(message: string): void;
}

const RETRY_DELAYS_MS = [250, 500, 1000, 2000, 4000];

/**
 * Subscribes to `/ws/jobs/{id}?from=n`: JSON text for job records and the end, binary messages for frames (both read
 * with wire/'s guards: a malformed message is reported through `onError`, naming what is wrong).
 * When the connection drops before the end (1001 shutdown, network), it reconnects with `from` = frames received,
 * so it gets exactly the missing frames (server/ws/README.md).
 */
export class JobStream {
  private socket: WebSocket | undefined;
  private received = 0;
  private ended = false;
  private closed = false;
  private attempt = 0;

  constructor(
    private readonly api: ApiClient,
    readonly jobId: string,
    private readonly handlers: JobStreamHandlers,
  ) {}

  /** Frames received so far. */
  get framesReceived(): number {
    return this.received;
  }

  start(): void {
    this.connect();
  }

  close(): void {
    this.closed = true;
    this.socket?.close(1000, 'viewer closed the stream');
  }

  private connect(): void {
    let ws: WebSocket;
    try {
      ws = new WebSocket(this.api.jobStreamUrl(this.jobId, this.received));
    } catch (e) {
      this.handlers.onError(describeError(e));
      return;
    }
    ws.binaryType = 'arraybuffer';
    this.socket = ws;
    ws.onmessage = (ev: MessageEvent<ArrayBuffer | string>) => {
      if (typeof ev.data === 'string') {
        this.text(ev.data);
        return;
      }
      try {
        const frame = decodeFrameMessage(ev.data);
        this.received = Math.max(this.received, frame.header.index + 1);
        this.attempt = 0;
        this.handlers.onFrame(frame);
      } catch (e) {
        this.handlers.onError(describeError(e));
      }
    };
    ws.onclose = (ev) => {
      if (this.closed || this.ended) return;
      // 4400 / 4404: the server will not serve this job; anything else may be transient.
      if (ev.code >= 4000 || this.attempt >= RETRY_DELAYS_MS.length) {
        this.handlers.onError(`job stream closed: ${ev.code} ${ev.reason || '(no reason)'}`);
        return;
      }
      const delay = RETRY_DELAYS_MS[this.attempt++];
      setTimeout(() => {
        if (!this.closed) this.connect();
      }, delay);
    };
  }

  private text(data: string): void {
    let msg: ServerMessage;
    try {
      msg = parseServerMessage(data);
    } catch (e) {
      this.handlers.onError(describeError(e));
      return;
    }
    if (msg.type === 'job') this.handlers.onJob(msg.job);
    else if (msg.type === 'error') this.handlers.onError(`${msg.code}: ${msg.message}`);
    else if (msg.type !== 'pong') {
      this.ended = true;
      this.handlers.onEnd(msg.type, msg.job);
    }
  }
}

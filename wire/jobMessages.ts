import { isJobEnd, JOB_STATES, type JobEnd, type JobRecord, type JobState } from './JobRecord.js';
import { kindOf, WireError } from './WireError.js';

/** Close codes of the job stream (1000-1011 are RFC 6455's; 44xx mirror the HTTP status of the SRV_ERR_* code). */
export const WS_CLOSE = Object.freeze({
  /** After the final done / failed / cancelled message; the reason is the state. */
  NORMAL: 1000,
  /** The server (or the job service) is shutting down; reconnect later with `from`. */
  GOING_AWAY: 1001,
  /** Unexpected server error. */
  INTERNAL: 1011,
  /** SRV_ERR_BAD_REQUEST: a malformed client message or query (`from`, job id). */
  BAD_REQUEST: 4400,
  /** SRV_ERR_NOT_FOUND: no such job. */
  NOT_FOUND: 4404,
} as const);

/** Server → client text messages on `/ws/jobs/{id}` (server/ws/README.md); frames are binary (frameMessage.ts). */
export type ServerMessage =
  /** First message, then on every record change; not per frame. */
  | { readonly type: 'job'; readonly job: JobRecord }
  /** Last message, after every frame; then a normal close with the state as reason. */
  | { readonly type: JobEnd; readonly job: JobRecord }
  /** The answer to a client's ping. */
  | { readonly type: 'pong' }
  /** Just before an error close: a registry code (SRV_ERR_*) and its message. */
  | { readonly type: 'error'; readonly code: string; readonly message: string };

/** Client → server text messages: only a ping (at most 4 KiB; anything else closes the connection with 4400). */
export type ClientMessage = { readonly type: 'ping' };

/** A server message as the JSON text sent on the socket. */
export function encodeServerMessage(message: ServerMessage): string {
  return JSON.stringify(message);
}

/** A client message as the JSON text sent on the socket. */
export function encodeClientMessage(message: ClientMessage): string {
  return JSON.stringify(message);
}

/**
 * Reads a text message from the server (the viewer's side): JSON, one of the ServerMessage types, and for `job` and
 * the end messages a record with an id, a known state, a spec and a progress.
 * @throws WIRE_ERR_TEXT_MESSAGE naming what is wrong
 * @example
 * const m = parseServerMessage(ev.data); if (m.type === 'job') show(m.job);
 */
export function parseServerMessage(text: string): ServerMessage {
  const m = parseObject('parseServerMessage', text);
  const type = m.type;
  const bad = (expected: string, got: string): never => {
    throw new WireError('WIRE_ERR_TEXT_MESSAGE', `parseServerMessage: expected ${expected}, got ${got}`, {
      type: typeof type === 'string' ? type.slice(0, 40) : undefined,
    });
  };
  if (type === 'pong') return { type: 'pong' };
  if (type === 'error') {
    if (typeof m.code !== 'string' || typeof m.message !== 'string') {
      return bad('an error message with a string code and message', `code ${kindOf(m.code)}`);
    }
    return { type: 'error', code: m.code, message: m.message };
  }
  if (type !== 'job' && !isJobEnd(type)) {
    return bad('type job | done | failed | cancelled | pong | error', describeType(type));
  }
  const problem = jobRecordProblem(m.job);
  if (problem !== undefined) return bad(`a "${type}" message with a job record`, problem);
  return { type, job: m.job as JobRecord };
}

/**
 * Reads a text message from a client (the server's side): only `{"type":"ping"}` (other fields are ignored).
 * @throws WIRE_ERR_TEXT_MESSAGE naming what is wrong
 */
export function parseClientMessage(text: string): ClientMessage {
  const m = parseObject('parseClientMessage', text);
  if (m.type !== 'ping') {
    throw new WireError(
      'WIRE_ERR_TEXT_MESSAGE',
      `parseClientMessage: expected {"type":"ping"}, got type ${describeType(m.type)}`,
    );
  }
  return { type: 'ping' };
}

function parseObject(fn: string, text: string): Record<string, unknown> {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    throw new WireError('WIRE_ERR_TEXT_MESSAGE', `${fn}: expected a JSON message, got invalid JSON`, {}, e);
  }
  if (v === null || typeof v !== 'object' || Array.isArray(v)) {
    throw new WireError('WIRE_ERR_TEXT_MESSAGE', `${fn}: expected a JSON object message, got ${kindOf(v)}`);
  }
  return v as Record<string, unknown>;
}

function describeType(t: unknown): string {
  return typeof t === 'string' ? JSON.stringify(t.slice(0, 40)) : kindOf(t);
}

/** Why a value is not a job record (the fields a reader relies on), or undefined when it is one. */
function jobRecordProblem(v: unknown): string | undefined {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return kindOf(v);
  const j = v as Record<string, unknown>;
  if (typeof j.id !== 'string') return `id ${kindOf(j.id)}`;
  if (!JOB_STATES.includes(j.state as JobState)) return `state ${describeType(j.state)}`;
  if (j.spec === null || typeof j.spec !== 'object') return `spec ${kindOf(j.spec)}`;
  const p = j.progress as { done?: unknown; total?: unknown } | null | undefined;
  if (p === null || typeof p !== 'object' || typeof p.done !== 'number' || typeof p.total !== 'number') {
    return 'a progress without done and total numbers';
  }
  return undefined;
}

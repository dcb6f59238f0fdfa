import WebSocket from 'ws';
import {
  decodeFrameMessage,
  parseServerMessage,
  type JobEnd,
  type JobRecord,
  type ServerMessage,
} from '../../wire/index.js';

export interface JobRun {
  readonly id: string;
  /** performance.now() just before POST /api/jobs was sent. */
  readonly postAt: number;
  /** POST → first binary frame on the job websocket, ms. */
  readonly firstFrameMs: number;
  /** POST → the websocket's last message (done / failed / cancelled), ms. */
  readonly endMs: number;
  readonly framesReceived: number;
  readonly record: JobRecord;
}

export interface JobRequest {
  readonly source: string;
  readonly studyInstanceUid: string;
  readonly seriesInstanceUid: string;
  readonly task: 'denoise' | 'deblur' | 'auto';
  readonly steps?: number;
  readonly pushBack: boolean;
}

/**
 * Submits one job and follows its websocket from frame 0 until the last message, as the viewer does. Rejects when
 * the job does not end done, naming its error.
 */
export async function runAndFollow(url: string, token: string, body: JobRequest): Promise<JobRun> {
  const auth = { authorization: `Bearer ${token}` };
  const postAt = performance.now();
  const res = await fetch(`${url}/api/jobs`, {
    method: 'POST',
    headers: { ...auth, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (res.status !== 201) throw new Error(`POST /api/jobs: expected 201, got ${res.status}: ${await res.text()}`);
  const { id } = (await res.json()) as { id: string };
  let firstAt: number | undefined;
  let frames = 0;
  let last: { type: JobEnd; job: JobRecord; at: number } | undefined;
  await new Promise<void>((resolve, reject) => {
    const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/ws/jobs/${id}?from=0`, { headers: auth });
    ws.on('message', (data: Buffer, binary: boolean) => {
      if (binary) {
        firstAt ??= performance.now();
        const { header } = decodeFrameMessage(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
        if (header.index !== frames)
          reject(new Error(`job ${id}: frame index ${header.index} arrived, expected ${frames} (in order)`));
        frames++;
        return;
      }
      let msg: ServerMessage;
      try {
        msg = parseServerMessage(data.toString());
      } catch (e) {
        reject(e);
        return;
      }
      if (msg.type === 'done' || msg.type === 'failed' || msg.type === 'cancelled')
        last = { type: msg.type, job: msg.job, at: performance.now() };
      if (msg.type === 'error') reject(new Error(`job ${id} websocket error: ${msg.message}`));
    });
    ws.on('close', () => resolve());
    ws.on('error', reject);
  });
  if (last === undefined) throw new Error(`job ${id}: websocket closed before the job ended`);
  if (last.type !== 'done')
    throw new Error(`job ${id} ended ${last.type}: ${last.job.error?.code}: ${last.job.error?.message}`);
  return {
    id,
    postAt,
    firstFrameMs: firstAt === undefined ? NaN : firstAt - postAt,
    endMs: last.at - postAt,
    framesReceived: frames,
    record: last.job,
  };
}

import {
  encodeClientMessage,
  encodeServerMessage,
  parseClientMessage,
  parseServerMessage,
  WireError,
  type JobRecord,
  type ServerMessage,
} from '../../wire/index.js';

const job: JobRecord = {
  id: '0b6f3c1e-7d43-4f3a-9a55-2f1f0f6d9d10',
  spec: {
    sourceId: 'local',
    studyInstanceUid: '1.2.3',
    seriesInstanceUid: '1.2.3.4',
    task: 'denoise',
    strength: 'high',
  },
  actor: 'token@127.0.0.1',
  state: 'running',
  stage: 'restore',
  progress: { done: 3, total: 12 },
  timings: {},
  attempts: 1,
  seed: 42,
  createdAt: '2026-01-01T00:00:00.000Z',
};

function refusal(parse: (text: string) => unknown, text: string): string {
  try {
    parse(text);
  } catch (e) {
    expect(e).toBeInstanceOf(WireError);
    expect((e as WireError).code).toBe('WIRE_ERR_TEXT_MESSAGE');
    return (e as WireError).message;
  }
  throw new Error(`${text}: expected a refusal`);
}

describe('job stream text messages', () => {
  it('round-trips every server message', () => {
    const messages: ServerMessage[] = [
      { type: 'job', job },
      { type: 'done', job: { ...job, state: 'done' } },
      { type: 'failed', job: { ...job, state: 'failed', error: { code: 'MODEL_ERR_X', message: 'm' } } },
      { type: 'cancelled', job: { ...job, state: 'cancelled' } },
      { type: 'pong' },
      { type: 'error', code: 'SRV_ERR_NOT_FOUND', message: 'job x: expected an existing job id' },
    ];
    for (const m of messages) expect(parseServerMessage(encodeServerMessage(m))).toEqual(m);
  });

  it('refuses server messages that are not the protocol, saying what is wrong', () => {
    expect(refusal(parseServerMessage, '{')).toBe('parseServerMessage: expected a JSON message, got invalid JSON');
    expect(refusal(parseServerMessage, 'null')).toBe('parseServerMessage: expected a JSON object message, got null');
    expect(refusal(parseServerMessage, '{"type":"hello"}')).toMatch(/expected type job \| done .*, got "hello"/);
    expect(refusal(parseServerMessage, '{"type":"job"}')).toBe(
      'parseServerMessage: expected a "job" message with a job record, got nothing',
    );
    expect(refusal(parseServerMessage, JSON.stringify({ type: 'done', job: { ...job, state: 'sleeping' } }))).toMatch(
      /with a job record, got state "sleeping"/,
    );
    expect(refusal(parseServerMessage, JSON.stringify({ type: 'job', job: { ...job, progress: {} } }))).toMatch(
      /progress without done and total/,
    );
    expect(refusal(parseServerMessage, '{"type":"error","code":4}')).toMatch(
      /string code and message, got code a number/,
    );
  });

  it('reads a client ping (other fields ignored) and refuses anything else', () => {
    expect(parseClientMessage(encodeClientMessage({ type: 'ping' }))).toEqual({ type: 'ping' });
    expect(parseClientMessage('{"type":"ping","x":1e999}')).toEqual({ type: 'ping' });
    expect(refusal(parseClientMessage, '{"type":"ping"')).toBe(
      'parseClientMessage: expected a JSON message, got invalid JSON',
    );
    expect(refusal(parseClientMessage, '[]')).toBe('parseClientMessage: expected a JSON object message, got an array');
    expect(refusal(parseClientMessage, '{"type":{}}')).toBe(
      'parseClientMessage: expected {"type":"ping"}, got type an object',
    );
    expect(refusal(parseClientMessage, '{"type":"pong"}')).toBe(
      'parseClientMessage: expected {"type":"ping"}, got type "pong"',
    );
  });
});

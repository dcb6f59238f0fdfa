import { formatLogLine, prettyLogStream } from '../../common/index.js';

/** Human-readable log lines on a terminal (JSON stays the format where stdout is not one). */
describe('formatLogLine', () => {
  const time = new Date(2026, 11, 7, 6, 1, 2).getTime();

  it('shows time, level, message and the fields, without pino bookkeeping', () => {
    const line = JSON.stringify({ level: 30, time, pid: 1, hostname: 'h', msg: 'pack loaded', device: 'cpu', ms: 12 });
    expect(formatLogLine(line)).toBe('06:01:02 INFO  pack loaded device=cpu ms=12');
  });

  it('quotes values with spaces and objects, and colours warnings on request', () => {
    const line = JSON.stringify({ level: 40, time, msg: 'slow', err: 'a b', d: { x: 1 } });
    expect(formatLogLine(line)).toBe('06:01:02 WARN  slow err="a b" d={"x":1}');
    expect(formatLogLine(line, true)).toBe('\x1b[33m06:01:02 WARN  slow err="a b" d={"x":1}\x1b[0m');
  });

  it('passes through what is not a pino line', () => {
    expect(formatLogLine('plain text')).toBe('plain text');
  });

  it('writes one readable line per record', () => {
    const written: string[] = [];
    const stream = prettyLogStream(
      { write: (s: string) => written.push(s) } as unknown as NodeJS.WritableStream,
      false,
    );
    stream.write(`${JSON.stringify({ level: 50, time, msg: 'failed' })}\n`);
    expect(written).toEqual(['06:01:02 ERROR failed\n']);
  });
});

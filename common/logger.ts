import { pino, type DestinationStream, type Logger } from 'pino';

export type { Logger };

/**
 * Root logger. Library folders take a Logger parameter instead of calling this, so tests and the server decide
 * where lines go (stdout, or `destination`: the hardening suite scans every line for PHI). Patient name, ID and
 * birth date are redacted should a caller ever log a dataset.
 */
export function createLogger(level: string = 'info', destination?: DestinationStream): Logger {
  const options = {
    level,
    redact: {
      paths: ['*.PatientName', '*.PatientID', '*.PatientBirthDate', 'PatientName', 'PatientID', 'PatientBirthDate'],
      censor: '[PHI]',
    },
  };
  return destination ? pino(options, destination) : pino(options);
}

const LEVELS: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' };
const COLOURS: Record<number, string> = { 40: '\x1b[33m', 50: '\x1b[31m', 60: '\x1b[31m' };
/** pino's own fields: shown as time, level and message, or not at all. */
const OWN_FIELDS = new Set(['level', 'time', 'msg', 'pid', 'hostname', 'v']);

/**
 * One pino JSON line as a person reads it: `HH:MM:SS LEVEL message key=value …` (local time; warnings and errors in
 * colour when `colour`). A line that is not pino JSON is returned as it is.
 * @example formatLogLine('{"level":30,"time":0,"msg":"pack loaded","device":"cpu"}') // '…:00:00 INFO  pack loaded device=cpu'
 */
export function formatLogLine(line: string, colour = false): string {
  let rec: Record<string, unknown>;
  try {
    rec = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return line.replace(/\n$/, '');
  }
  if (typeof rec !== 'object' || rec === null || typeof rec.level !== 'number') return line.replace(/\n$/, '');
  const time = typeof rec.time === 'number' ? new Date(rec.time).toTimeString().slice(0, 8) : '--:--:--';
  const level = (LEVELS[rec.level] ?? String(rec.level)).padEnd(5);
  const fields = Object.entries(rec)
    .filter(([k]) => !OWN_FIELDS.has(k))
    .map(([k, v]) => `${k}=${typeof v === 'string' && !/\s/.test(v) ? v : JSON.stringify(v)}`);
  const text = [`${time} ${level}`, typeof rec.msg === 'string' ? rec.msg : '', ...fields].filter(Boolean).join(' ');
  const c = colour ? COLOURS[rec.level] : undefined;
  return c ? `${c}${text}\x1b[0m` : text;
}

/**
 * A pino destination writing human-readable lines (formatLogLine) to `out`: for a terminal. Where stdout is not a
 * terminal, keep pino's JSON lines (log collectors read those).
 */
export function prettyLogStream(out: NodeJS.WritableStream, colour = true): DestinationStream {
  return {
    write(chunk: string): void {
      // On a terminal, first clear the line: a progress line rewritten in place (the demo study's) is drawn again.
      const clear = colour ? '\r\x1b[2K' : '';
      for (const line of chunk.split('\n')) if (line) out.write(`${clear}${formatLogLine(line, colour)}\n`);
    },
  };
}

/** The logger of a long-running command: readable lines on a terminal, JSON lines otherwise. */
export function createConsoleLogger(level: string, out: NodeJS.WriteStream = process.stdout): Logger {
  return out.isTTY ? createLogger(level, prettyLogStream(out)) : createLogger(level);
}

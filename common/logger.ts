import { pino, type Logger } from 'pino';

export type { Logger };

/**
 * Root logger. Library folders take a Logger parameter instead of calling this, so tests and the server decide
 * where lines go. Patient name, ID and birth date are redacted should a caller ever log a dataset.
 */
export function createLogger(level: string = 'info'): Logger {
  return pino({
    level,
    redact: {
      paths: ['*.PatientName', '*.PatientID', '*.PatientBirthDate', 'PatientName', 'PatientID'],
      censor: '[PHI]',
    },
  });
}

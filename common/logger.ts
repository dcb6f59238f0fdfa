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

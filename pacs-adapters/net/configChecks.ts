import { pacsError, type PacsError } from '../errors.js';

export interface ConfigChecks {
  positiveInt(field: string, value: number): number;
  nonNegativeInt(field: string, value: number): number;
  configError(field: string, what: string): PacsError;
}

/**
 * The integer checks every adapter config needs, with errors prefixed by the adapter's name so a message alone says
 * which configuration is wrong: "<prefix>: <field> is 0: expected an integer >= 1" (PACS_ERR_CONFIG).
 */
export function configChecks(prefix: string): ConfigChecks {
  const configError = (field: string, what: string): PacsError =>
    pacsError('PACS_ERR_CONFIG', `${prefix}: ${field} ${what}`, { field });
  return {
    configError,
    positiveInt: (field, value) => {
      if (!Number.isSafeInteger(value) || value < 1)
        throw configError(field, `is ${String(value)}: expected an integer >= 1`);
      return value;
    },
    nonNegativeInt: (field, value) => {
      if (!Number.isSafeInteger(value) || value < 0)
        throw configError(field, `is ${String(value)}: expected an integer >= 0`);
      return value;
    },
  };
}

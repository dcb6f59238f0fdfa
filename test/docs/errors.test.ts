import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { COMMON_ERRORS } from '../../common/index.js';
import { DEMO_ERRORS } from '../../demo/index.js';
import { MODEL_ERRORS } from '../../models/index.js';
import { PACS_ERRORS } from '../../pacs-adapters/index.js';
import { SRV_ERRORS } from '../../server/index.js';
import { VAL_ERRORS } from '../../validation/index.js';

/** docs/errors.md is the public list of error codes; it must match the registries exactly (code and status). */
describe('docs/errors.md', () => {
  const doc = readFileSync(join(process.cwd(), 'docs/errors.md'), 'utf8');
  const rows = new Map(
    [...doc.matchAll(/^\| `([A-Z_]+)` \| (\d{3}) \| (.+) \|$/gm)].map((m) => [
      m[1],
      { status: Number(m[2]), summary: m[3] },
    ]),
  );
  const registries: Record<string, { status: number; summary: string }> = {
    ...PACS_ERRORS,
    ...MODEL_ERRORS,
    ...SRV_ERRORS,
    ...VAL_ERRORS,
    ...DEMO_ERRORS,
    ...COMMON_ERRORS,
  };

  it('documents every registered code with its HTTP status and summary', () => {
    const missing = Object.entries(registries)
      .filter(([code, spec]) => rows.get(code)?.status !== spec.status || rows.get(code)?.summary !== spec.summary)
      .map(([code]) => code);
    expect(missing).toEqual([]);
  });

  it('documents no code that does not exist', () => {
    expect([...rows.keys()].filter((c) => !(c in registries))).toEqual([]);
  });
});

// Regenerates the tables of docs/errors.md from the built registries (run after `npm run build`).
import { writeFileSync } from 'node:fs';
const { PACS_ERRORS } = await import('../dist/pacs-adapters/index.js');
const { VAL_ERRORS } = await import('../dist/validation/index.js');
const { DEMO_ERRORS } = await import('../dist/demo/index.js');
const { MODEL_ERRORS } = await import('../dist/models/index.js');
const { SRV_ERRORS } = await import('../dist/server/index.js');
const { COMMON_ERRORS } = await import('../dist/common/index.js');
const table = (reg) =>
  [
    '| code | HTTP | meaning |',
    '|---|---|---|',
    ...Object.entries(reg).map(([c, s]) => `| \`${c}\` | ${s.status} | ${s.summary} |`),
  ].join('\n');
const text = `# Error codes

Every error the module raises on purpose carries one of these codes (\`error.code\`), an HTTP status used when it
reaches an HTTP response, a message of the form "<file>: what failed: expected X, got Y", and \`details\` (file, tag,
field, transfer syntax, frame…) so callers never parse messages. One registry per folder; this page is checked
against them by \`test/docs/errors.test.ts\`. Regenerate with \`node scripts/gen-errors-doc.mjs\` after a build.

## pacs-adapters (\`PACS_ERR_*\`)

${table(PACS_ERRORS)}

## models (\`MODEL_ERR_*\`)

${table(MODEL_ERRORS)}

## validation (\`VAL_ERR_*\`)

${table(VAL_ERRORS)}

## demo (\`DEMO_ERR_*\`)

${table(DEMO_ERRORS)}

## server (\`SRV_ERR_*\`)

${table(SRV_ERRORS)}

## common (\`COMMON_ERR_*\`)

${table(COMMON_ERRORS)}
`;
writeFileSync(new URL('../docs/errors.md', import.meta.url), text);

/**
 * What other folders may use of the CLI (bench/ reads real series the way `gsdiff restore` does). The `gsdiff`
 * command itself starts from main.ts.
 */
export { instanceOf, seriesFromPaths } from './commands/seriesFromPaths.js';
export type { LoadedSeries } from './commands/seriesFromPaths.js';

export { attachJobStream } from './attachJobStream.js';
export type { JobStreamOptions, JobStreamServer, JobStreamStats } from './attachJobStream.js';

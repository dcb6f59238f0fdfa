export { attachJobStream, WS_CLOSE } from './attachJobStream.js';
export type { JobStreamOptions, JobStreamServer, JobStreamStats } from './attachJobStream.js';
export { encodeFrameMessage, decodeFrameMessage } from './frameMessage.js';

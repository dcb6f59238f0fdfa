import { parentPort } from 'node:worker_threads';
import { renderDoseLevels, type DoseLevelsRequest } from './renderDoseLevels.js';

// Worker-thread entry: renders slices on request so the demo uses every core; buffers are transferred, not copied.
parentPort?.on('message', (req: DoseLevelsRequest) => {
  const out = renderDoseLevels(req);
  parentPort?.postMessage(out, [out.truth.buffer as ArrayBuffer, ...out.doses.map((d) => d.buffer as ArrayBuffer)]);
});

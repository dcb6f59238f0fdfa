import { Worker } from 'node:worker_threads';
import { renderDoseLevels, type DoseLevels, type DoseLevelsRequest } from './renderDoseLevels.js';

/**
 * Renders every slice, in slice order, on `workers` worker threads (0 = in this thread, which is what tests use:
 * a worker needs the built .js file beside this one).
 */
export async function* renderAllSlices(
  requests: readonly DoseLevelsRequest[],
  workers: number,
): AsyncGenerator<DoseLevels> {
  if (workers <= 0) {
    for (const r of requests) yield renderDoseLevels(r);
    return;
  }
  const pool = Array.from(
    { length: Math.min(workers, requests.length) },
    () => new Worker(new URL('./doseLevelsWorker.js', import.meta.url)),
  );
  const done = new Map<number, DoseLevels>();
  let next = 0;
  let failure: unknown;
  let wake: (() => void) | undefined;
  const dispatch = (w: Worker): void => {
    if (next < requests.length) w.postMessage(requests[next++]);
  };
  for (const w of pool) {
    w.on('message', (out: DoseLevels) => {
      done.set(out.zIndex, out);
      dispatch(w);
      wake?.();
    });
    w.on('error', (e) => {
      failure = e;
      wake?.();
    });
    dispatch(w);
  }
  try {
    for (const r of requests) {
      while (!done.has(r.zIndex)) {
        if (failure) throw failure;
        await new Promise<void>((resolve) => (wake = resolve));
      }
      const out = done.get(r.zIndex) as DoseLevels;
      done.delete(r.zIndex);
      yield out;
    }
  } finally {
    await Promise.all(pool.map((w) => w.terminate()));
  }
}

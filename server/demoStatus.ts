import type { DemoStatus } from '../wire/index.js';

/**
 * The demo study's generation state for `GET /api/status`: what the start banner prints on the console, for the
 * viewer (which shows it in its empty study list and refreshes the list when the study is ready).
 */
export class DemoStatusTracker {
  private current: DemoStatus;

  /** @param pending - this start generates the demo study (the store was empty) */
  constructor(pending: boolean) {
    this.current = pending ? { state: 'generating', done: 0, total: 0 } : { state: 'idle' };
  }

  get status(): DemoStatus {
    return this.current;
  }

  /** `done` of `total` steps made, `label` the last one; ignored once generation has ended. */
  progress(done: number, total: number, label: string): void {
    if (this.current.state !== 'generating') return;
    this.current = { state: 'generating', done, total, label };
  }

  ready(): void {
    this.current = { state: 'ready' };
  }

  failed(reason: string): void {
    this.current = { state: 'failed', reason };
  }
}

import type { DemoStatus } from '../../wire/index.js';

/** How often the study list asks again while the server generates the demo study. */
export const DEMO_POLL_MS = 2000;

/**
 * What the empty study list says, from the server's demo generation state (`GET /api/status`; undefined when the
 * server did not answer it).
 * @example emptyStudyListText({ state: 'generating', done: 12, total: 49 }) // 'Demo study being generated (12/49)…'
 */
export function emptyStudyListText(demo: DemoStatus | undefined): string {
  switch (demo?.state) {
    case 'generating':
      return `Demo study being generated (${demo.done}/${demo.total > 0 ? demo.total : '?'})… the list refreshes by itself`;
    case 'failed':
      return `No studies in the store: the demo study was not generated (${demo.reason})`;
    default:
      return 'No studies in the store';
  }
}

/** When to refresh the study list again: while the demo study is being generated, else never (undefined). */
export function demoPollMs(demo: DemoStatus | undefined): number | undefined {
  return demo?.state === 'generating' ? DEMO_POLL_MS : undefined;
}

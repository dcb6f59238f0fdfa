/**
 * The demo study's generation on this server start (`GET /api/status`): `idle` when this start generates nothing (the
 * store was not empty, or demo data is off), `generating` with `done` of `total` steps (`total` 0 until the generator
 * has counted them), then `ready`, or `failed` with the reason (an interrupted generation restarts at the next start).
 */
export type DemoStatus =
  | { readonly state: 'idle' }
  | { readonly state: 'generating'; readonly done: number; readonly total: number; readonly label?: string }
  | { readonly state: 'ready' }
  | { readonly state: 'failed'; readonly reason: string };

export type DemoState = DemoStatus['state'];

/** What `GET /api/status` answers (behind the token). */
export interface ServerStatus {
  readonly demo: DemoStatus;
}

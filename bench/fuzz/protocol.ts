import type { FuzzCase } from './dicomMutations.js';

/** Parent to fuzz worker: the seed list once, then one case at a time. */
export type WorkerRequest =
  | { readonly type: 'files'; readonly files: readonly string[] }
  | { readonly type: 'case'; readonly index: number; readonly case: FuzzCase };

/** Worker to parent: what reading one mutated file did. `crashed` = anything thrown that is not a typed error. */
export interface CaseOutcome {
  readonly index: number;
  readonly name: string;
  readonly bytes: number;
  readonly status: 'decoded' | 'rejected' | 'crashed';
  readonly code?: string;
  readonly message?: string;
  readonly details?: Readonly<Record<string, unknown>>;
  readonly ms: number;
  /** Peak RSS of the worker process so far. */
  readonly rssMb: number;
}

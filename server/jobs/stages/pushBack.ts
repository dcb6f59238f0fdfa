import { describeThrown } from '../../../common/index.js';
import type { PushBackReport } from '../JobRecord.js';
import type { JobContext } from './JobContext.js';

/**
 * Stage 4: stores the published derived series back into the source PACS, instance by instance from the local
 * store. Never throws: the outcome is a report, and a failure leaves the local result as it is.
 */
export async function pushBack(
  derivedSeriesInstanceUid: string,
  ctx: Pick<JobContext, 'store' | 'source' | 'signal'>,
): Promise<PushBackReport> {
  const entries = ctx.store.listInstances(derivedSeriesInstanceUid);
  const store = ctx.store;
  async function* instances(): AsyncGenerator<Uint8Array> {
    for (const e of entries) yield await store.readInstanceBytes(e.sopInstanceUid);
  }
  try {
    const r = await ctx.source.storeInstances(instances(), ctx.signal);
    const first = r.failed[0];
    return {
      state: r.failed.length === 0 ? 'done' : r.stored.length > 0 ? 'partial' : 'failed',
      stored: r.stored.length,
      failed: r.failed.length,
      warnings: r.warnings.length,
      ...(first ? { message: `${first.code}: ${first.reason}` } : {}),
    };
  } catch (e) {
    const code = e instanceof Error && 'code' in e && typeof e.code === 'string' ? `${e.code}: ` : '';
    return { state: 'failed', stored: 0, failed: entries.length, warnings: 0, message: `${code}${describeThrown(e)}` };
  }
}

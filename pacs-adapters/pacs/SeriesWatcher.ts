import type { Logger } from '../../common/index.js';
import type { PacsAdapter, SeriesFacts, SeriesSummary, StudyQuery } from './PacsAdapter.js';
import { matchRule, type SeriesRule } from './seriesRules.js';

export interface StableSeries {
  readonly summary: SeriesSummary;
  readonly facts: SeriesFacts;
  readonly rule: SeriesRule;
  readonly instances: number;
}

export interface WatcherOptions {
  readonly adapter: PacsAdapter;
  readonly rules: readonly SeriesRule[];
  /** A series is complete after this long without a new instance (Orthanc's StableAge). */
  readonly stableAfterMs: number;
  readonly pollIntervalMs: number;
  /** Which studies to look at each poll (e.g. today's); default: all. */
  readonly studyQuery?: StudyQuery;
  /** Called once per completed series that matches a rule (the job queue). Errors are logged, not fatal. */
  readonly onStable: (s: StableSeries) => Promise<void>;
  readonly logger: Logger;
  /** Injected for tests. */
  readonly now?: () => number;
}

interface Tracked {
  count: number;
  changedAt: number;
  /** Instance count at which it was handed over; a later growth re-arms it. */
  handedAt?: number;
}

/**
 * Watches a PACS for newly completed series by polling its QIDO-like search through the adapter: a series is complete
 * once its instance count has not changed for `stableAfterMs`; complete series that match a rule (and are not derived)
 * go to `onStable` once. If instances keep arriving after hand-over, the series becomes unstable again and is handed
 * over again when it settles: the job layer decides what a second delivery means.
 */
export class SeriesWatcher {
  private readonly tracked = new Map<string, Tracked>();
  private timer: NodeJS.Timeout | undefined;
  private polling: Promise<void> | undefined;
  private readonly now: () => number;

  constructor(private readonly o: WatcherOptions) {
    this.now = o.now ?? Date.now;
  }

  start(): void {
    if (this.timer) return;
    const loop = (): void => {
      this.polling = this.poll()
        .then(() => undefined)
        .catch((e: unknown) =>
          this.o.logger.warn(
            { err: e instanceof Error ? e.message : String(e), adapter: this.o.adapter.name },
            'watch poll failed',
          ),
        )
        .finally(() => {
          if (this.timer) this.timer = setTimeout(loop, this.o.pollIntervalMs);
        });
    };
    this.timer = setTimeout(loop, 0);
  }

  async stop(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.polling;
  }

  /** One poll: update counts, hand over what has settled. Public so tests and a manual "scan now" can drive it. */
  async poll(): Promise<StableSeries[]> {
    const handed: StableSeries[] = [];
    const t = this.now();
    for (const study of await this.o.adapter.searchStudies(this.o.studyQuery)) {
      for (const s of await this.o.adapter.searchSeries(study.studyInstanceUid)) {
        const count =
          s.numberOfInstances ?? (await this.o.adapter.listInstances(s.studyInstanceUid, s.seriesInstanceUid)).length;
        const tr = this.tracked.get(s.seriesInstanceUid);
        if (!tr || tr.count !== count) {
          this.tracked.set(s.seriesInstanceUid, { count, changedAt: t, handedAt: tr?.handedAt });
          continue;
        }
        if (t - tr.changedAt < this.o.stableAfterMs || tr.handedAt === count) continue;
        tr.handedAt = count;
        const facts = await this.o.adapter.seriesFacts(s.studyInstanceUid, s.seriesInstanceUid);
        const rule = matchRule(this.o.rules, s, facts);
        if (!rule) continue;
        const stable = { summary: s, facts, rule, instances: count };
        handed.push(stable);
        try {
          await this.o.onStable(stable);
        } catch (e) {
          this.o.logger.error(
            { err: e instanceof Error ? e.message : String(e), series: s.seriesInstanceUid },
            'onStable failed',
          );
        }
      }
    }
    return handed;
  }
}

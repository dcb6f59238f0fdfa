/** The timing part of a retry policy, shared by the DICOMweb and DIMSE adapters. */
export interface BackoffTiming {
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

/**
 * Delay before retry number `retry` (1 = the first retry): exponential, capped, with "equal jitter" — half the
 * capped delay fixed, half uniformly random — so many clients retrying after one outage do not stampede in step
 * while each still waits at least half the nominal delay.
 * @param retry - 1-based retry number
 * @param policy - base and maximum delay
 * @param random - a number in [0, 1) (passed in so tests are deterministic)
 */
export function backoffDelay(retry: number, policy: BackoffTiming, random: number = Math.random()): number {
  const nominal = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, retry - 1));
  return Math.round(nominal / 2 + (nominal / 2) * random);
}

/** Resolves after `ms`, or rejects with the reason of the first of `signals` to abort. */
export function sleep(ms: number, ...signals: readonly (AbortSignal | undefined)[]): Promise<void> {
  const live = signals.filter((s): s is AbortSignal => s !== undefined);
  return new Promise((resolve, reject) => {
    const aborted = live.find((s) => s.aborted);
    if (aborted) {
      reject(aborted.reason);
      return;
    }
    const done = (): void => {
      clearTimeout(timer);
      for (const s of live) s.removeEventListener('abort', onAbort);
    };
    const onAbort = (event: Event): void => {
      done();
      reject((event.target as AbortSignal).reason);
    };
    const timer = setTimeout(() => {
      done();
      resolve();
    }, ms);
    for (const s of live) s.addEventListener('abort', onAbort, { once: true });
  });
}

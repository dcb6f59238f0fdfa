/** Latency samples of one kind of request, in ms, with the wall-clock second each was taken at. */
export class LatencyLog {
  readonly samples: { readonly t: number; readonly ms: number }[] = [];
  errors = 0;
  readonly errorTexts: string[] = [];

  add(t: number, ms: number): void {
    this.samples.push({ t, ms });
  }

  fail(text: string): void {
    this.errors++;
    if (this.errorTexts.length < 20) this.errorTexts.push(text);
  }

  /** Percentile (0..100) of the samples taken in [from, to) seconds, or of all. */
  percentile(p: number, from = -Infinity, to = Infinity): number {
    const v = this.samples
      .filter((s) => s.t >= from && s.t < to)
      .map((s) => s.ms)
      .sort((a, b) => a - b);
    if (v.length === 0) return NaN;
    return v[Math.min(v.length - 1, Math.max(0, Math.ceil((p / 100) * v.length) - 1))];
  }

  count(from = -Infinity, to = Infinity): number {
    return this.samples.filter((s) => s.t >= from && s.t < to).length;
  }
}

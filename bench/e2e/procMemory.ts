import { readFileSync } from 'node:fs';

export interface ProcMemory {
  /** Resident set size now (VmRSS), MB (10^6 bytes). */
  readonly rssMB: number;
  /** Peak resident set size since the process started (VmHWM), MB. */
  readonly hwmMB: number;
}

/** VmRSS and VmHWM of a process from /proc/<pid>/status (Linux); undefined once the process is gone. */
export function procMemory(pid: number): ProcMemory | undefined {
  let status: string;
  try {
    status = readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return undefined;
  }
  const kb = (field: string): number => {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
    if (!m) throw new Error(`/proc/${pid}/status: ${field}: expected "<n> kB", not found`);
    return Number(m[1]);
  };
  return { rssMB: (kb('VmRSS') * 1024) / 1e6, hwmMB: (kb('VmHWM') * 1024) / 1e6 };
}

/** Samples a process's VmRSS at a fixed interval; `peak(from, to)` is the highest sample in a time window. */
export class RssSampler {
  private readonly samples: { t: number; rssMB: number }[] = [];
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly pid: number,
    intervalMs = 250,
  ) {
    this.sample();
    this.timer = setInterval(() => this.sample(), intervalMs);
  }

  /** Takes one sample now (also called at job boundaries so short jobs get one). */
  sample(): number | undefined {
    const m = procMemory(this.pid);
    if (m) this.samples.push({ t: performance.now(), rssMB: m.rssMB });
    return m?.rssMB;
  }

  peak(fromMs: number, toMs: number): number {
    let peak = 0;
    for (const s of this.samples) if (s.t >= fromMs && s.t <= toMs) peak = Math.max(peak, s.rssMB);
    return peak;
  }

  get count(): number {
    return this.samples.length;
  }

  stop(): void {
    clearInterval(this.timer);
  }
}

import cliProgress from 'cli-progress';

export interface Progress {
  tick(label?: string): void;
  stop(): void;
}

/**
 * A progress bar on stderr when it is a terminal; silent otherwise so piped output stays machine-readable.
 */
export function progress(title: string, total: number, enabled = process.stderr.isTTY === true): Progress {
  if (!enabled || total <= 1) return { tick: () => undefined, stop: () => undefined };
  const bar = new cliProgress.SingleBar(
    {
      format: `${title} [{bar}] {value}/{total} {label}`,
      stream: process.stderr,
      hideCursor: true,
      clearOnComplete: true,
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(total, 0, { label: '' });
  return {
    tick: (label = '') => bar.increment(1, { label: label.length > 40 ? `…${label.slice(-39)}` : label }),
    stop: () => bar.stop(),
  };
}

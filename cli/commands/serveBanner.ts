/** What `gsdiff serve` prints at start, as plain data (the command gathers it; tests read the text). */
export interface BannerInput {
  readonly version: string;
  readonly url: string;
  readonly dataDir: string;
  readonly packDir: string;
  readonly device: string;
  /** The queue, already redacted; undefined on the embedded default. */
  readonly queue?: string;
  /** `--device` given with `--queue`: said to do nothing here. */
  readonly deviceFlag?: string;
  readonly viewerBuilt: boolean;
  readonly token: string;
  readonly tokenGenerated: boolean;
  /**
   * Whether the token may appear in the output: on a terminal, or when it was generated on this start (then it is
   * printed once anyway). Output captured by a service manager gets the link without it.
   */
  readonly showToken: boolean;
  /** The store was empty and the demo study is being generated in the background. */
  readonly demoPending: boolean;
}

/**
 * The viewer link with the token in the fragment (`#token=`): a fragment never reaches the server or its logs, and
 * the viewer stores it and clears it from the address bar.
 * @example viewerLink('http://127.0.0.1:8470', 'abc') // 'http://127.0.0.1:8470/#token=abc'
 */
export function viewerLink(url: string, token: string): string {
  return `${url}/#token=${encodeURIComponent(token)}`;
}

/** The start banner, one line each, ending in a newline. */
export function serveBanner(b: BannerInput): string {
  const lines = [`gsdiff ${b.version} serving on ${b.url}`];
  lines.push(`  data folder: ${b.dataDir} (store, jobs.sqlite, audit.log)`);
  if (b.queue) {
    lines.push(`  jobs: Redis queue ${b.queue} (run \`gsdiff worker\` processes; no inference here)`);
    lines.push(`  model pack: ${b.packDir} (workers must hold the same version)`);
    // A server on a queue runs no inference: a device asked of it would silently do nothing, so say so.
    if (b.deviceFlag !== undefined)
      lines.push(`  note: --device ${b.deviceFlag} is not used with --queue: each worker takes its own --device`);
  } else {
    lines.push(`  model pack: ${b.packDir} on device ${b.device}`);
  }
  if (!b.viewerBuilt) lines.push('  viewer: not built (npm run build:viewer)');
  else if (b.showToken) lines.push(`  viewer: ${viewerLink(b.url, b.token)}   <- open this link`);
  else lines.push(`  viewer: ${b.url}/#token=<the token in ${b.dataDir}/token>`);
  lines.push(`  health: ${b.url}/healthz (no token)`);
  lines.push(
    b.tokenGenerated
      ? `  access token (generated, saved in ${b.dataDir}/token): ${b.token}`
      : `  access token: from GSDIFF_TOKEN or ${b.dataDir}/token`,
  );
  if (b.demoPending)
    lines.push('  demo study: generating in the background (first start only, about 2 minutes); progress follows');
  return `${lines.join('\n')}\n`;
}

/**
 * One demo progress line.
 * @example demoProgressText(12, 49, 'CT slice 12/48') // 'demo study: generating, 24 % (CT slice 12/48)'
 */
export function demoProgressText(done: number, total: number, label: string): string {
  const pct = total > 0 ? Math.floor((100 * done) / total) : 0;
  return `demo study: generating, ${pct} % (${label})`;
}

/**
 * Demo progress for the console: on a terminal one line rewritten in place; otherwise a line at every 25 %.
 * `ready(ok)` ends it with "ready" (or that it failed).
 */
export class DemoProgress {
  private lastStep = -1;
  private rewriting = false;

  constructor(
    private readonly out: NodeJS.WritableStream,
    private readonly tty: boolean,
  ) {}

  progress(done: number, total: number, label: string): void {
    const text = demoProgressText(done, total, label);
    if (this.tty) {
      this.out.write(`\r\x1b[2K${text}`);
      this.rewriting = true;
      return;
    }
    const step = total > 0 ? Math.floor((4 * done) / total) : 0;
    if (step === this.lastStep || done === total) return;
    this.lastStep = step;
    this.out.write(`${text}\n`);
  }

  /** Clears a progress line rewritten in place, so that what follows (shutdown) starts on its own line. */
  interrupt(): void {
    if (this.rewriting) this.out.write('\r\x1b[2K');
    this.rewriting = false;
  }

  ready(ok: boolean, viewer: string | undefined): void {
    if (this.rewriting) this.out.write('\r\x1b[2K');
    this.rewriting = false;
    this.out.write(
      ok
        ? `demo study: ready${viewer ? ` (the viewer lists it by itself: ${viewer})` : ''}\n`
        : 'demo study: not generated (see the log above)\n',
    );
  }
}

import { PassThrough } from 'node:stream';
import { DemoProgress, demoProgressText, serveBanner, viewerLink } from '../../cli/commands/serveBanner.js';

/** The start banner: a viewer link that opens ready (token in the fragment), and what the demo generation is doing. */
const BASE = {
  version: '0.1.0',
  url: 'http://127.0.0.1:8470',
  dataDir: '.gsdiff',
  packDir: 'models/packs/gsdiff-s',
  device: 'auto',
  viewerBuilt: true,
  token: 'tok/en+1',
  tokenGenerated: false,
  showToken: true,
  demoPending: false,
};

function collect(): { out: PassThrough; text: () => string } {
  const out = new PassThrough();
  const chunks: string[] = [];
  out.on('data', (c: Buffer) => chunks.push(c.toString('utf8')));
  return { out, text: () => chunks.join('') };
}

describe('serveBanner', () => {
  it('prints a ready-to-open viewer link with the token in the fragment', () => {
    expect(viewerLink('http://127.0.0.1:8470', 'tok/en+1')).toBe('http://127.0.0.1:8470/#token=tok%2Fen%2B1');
    expect(serveBanner(BASE)).toContain('  viewer: http://127.0.0.1:8470/#token=tok%2Fen%2B1');
  });

  it('keeps the token out of output that is not a terminal (unless it was just generated)', () => {
    const text = serveBanner({ ...BASE, showToken: false });
    expect(text).not.toContain('tok%2Fen');
    expect(text).toContain('viewer: http://127.0.0.1:8470/#token=<the token in .gsdiff/token>');
  });

  it('says when the demo study is being generated', () => {
    expect(serveBanner(BASE)).not.toContain('demo study');
    expect(serveBanner({ ...BASE, demoPending: true })).toMatch(/demo study: generating in the background/);
  });

  it('says what a queue server does not use', () => {
    const text = serveBanner({ ...BASE, queue: 'redis://***@q:6379', deviceFlag: 'cuda' });
    expect(text).toContain('jobs: Redis queue redis://***@q:6379');
    expect(text).toContain('note: --device cuda is not used with --queue');
  });
});

describe('DemoProgress', () => {
  it('formats progress as a percentage with what was made', () => {
    expect(demoProgressText(12, 49, 'CT slice 12/48')).toBe('demo study: generating, 24 % (CT slice 12/48)');
  });

  it('prints a line at every quarter when not on a terminal, then "ready" with the link', () => {
    const { out, text } = collect();
    const p = new DemoProgress(out, false);
    for (let i = 1; i <= 49; i++) p.progress(i, 49, `step ${i}`);
    p.ready(true, 'http://127.0.0.1:8470/#token=t');
    const lines = text().trim().split('\n');
    expect(lines).toHaveLength(5);
    expect(lines[0]).toBe('demo study: generating, 2 % (step 1)');
    expect(lines[4]).toBe('demo study: ready (the viewer lists it by itself: http://127.0.0.1:8470/#token=t)');
  });

  it('rewrites one line on a terminal, and says when generation failed', () => {
    const { out, text } = collect();
    const p = new DemoProgress(out, true);
    p.progress(1, 2, 'a');
    p.progress(2, 2, 'b');
    p.interrupt();
    expect(text().endsWith('\r\x1b[2K')).toBe(true);
    p.ready(false, undefined);
    expect(text().split('\n')).toHaveLength(2); // one line, rewritten, then the end
    expect(text().endsWith('demo study: not generated (see the log above)\n')).toBe(true);
  });
});

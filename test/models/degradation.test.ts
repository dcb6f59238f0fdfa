import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PNG } from 'pngjs';
import { combineDegradation } from '../../models/degradation/combineDegradation.js';
import { headerPrior } from '../../models/degradation/headerPrior.js';
import { askVlm, toPhrase } from '../../models/degradation/vlmRecognizer.js';

const PROMPT = 'What kinds of degradation types are in this image?';
const TEMPLATE = 'Please remove the [degradation] from this image or video';

describe('headerPrior', () => {
  it('reads low dose from CTDIvol, mAs or mA, and says which values it used', () => {
    const g = headerPrior({
      modality: 'CT',
      samplesPerPixel: 1,
      acquisition: { ctdiVol: 2.5, kvp: 120, exposureMas: 50 },
    });
    expect(g.phrase).toBe('low-dose CT noise');
    expect(g.evidence).toContain('CTDIvol 2.5 mGy');
    expect(headerPrior({ modality: 'CT', samplesPerPixel: 1, acquisition: { tubeCurrentMa: 80 } }).phrase).toBe(
      'low-dose CT noise',
    );
  });

  it('tells a sharp kernel from a normal-dose smooth one', () => {
    expect(
      headerPrior({
        modality: 'CT',
        samplesPerPixel: 1,
        acquisition: { tubeCurrentMa: 150, convolutionKernel: 'LUNG' },
      }).phrase,
    ).toBe('CT noise from a sharp kernel');
    expect(
      headerPrior({ modality: 'CT', samplesPerPixel: 1, acquisition: { ctdiVol: 12, convolutionKernel: 'STANDARD' } })
        .phrase,
    ).toBe('CT noise');
  });

  it('treats endoscopy as motion blur by modality or SOP class', () => {
    expect(headerPrior({ modality: 'ES', samplesPerPixel: 3, acquisition: {} }).phrase).toBe('motion blur');
    expect(
      headerPrior({
        modality: 'OT',
        sopClassUid: '1.2.840.10008.5.1.4.1.1.77.1.1.1',
        samplesPerPixel: 3,
        acquisition: {},
      }).phrase,
    ).toBe('motion blur');
  });
});

describe('combineDegradation', () => {
  const header = { source: 'header' as const, phrase: 'low-dose CT noise', confidence: 0.6, evidence: '' };
  it('prefers the VLM, keeps a more specific header phrase, fills the template', () => {
    const e = combineDegradation([{ source: 'vlm', phrase: 'noise', confidence: 0.8, evidence: '' }, header], TEMPLATE);
    expect(e.phrase).toBe('low-dose CT noise');
    expect(e.prompt).toBe('Please remove the low-dose CT noise from this image or video');
  });
  it('ignores an unsure recognizer and "no degradation" labels', () => {
    expect(
      combineDegradation(
        [{ source: 'recognizer', phrase: 'motion blur', confidence: 0.3, evidence: '' }, header],
        TEMPLATE,
      ).phrase,
    ).toBe('low-dose CT noise');
    expect(
      combineDegradation(
        [{ source: 'recognizer', phrase: 'no visible degradation', confidence: 0.9, evidence: '' }, header],
        TEMPLATE,
      ).phrase,
    ).toBe('low-dose CT noise');
  });
  it('joins different findings', () => {
    const e = combineDegradation(
      [{ source: 'recognizer', phrase: 'motion blur', confidence: 0.9, evidence: '' }, header],
      TEMPLATE,
    );
    expect(e.phrase).toBe('motion blur and low-dose CT noise');
  });
});

describe('askVlm against an OpenAI-compatible HTTP server', () => {
  let server: Server;
  let base: string;
  let lastBody: {
    model?: string;
    messages?: { content: { type: string; text?: string; image_url?: { url: string } }[] }[];
  } = {};
  let mode: 'ok' | 'error' | 'slow' | 'empty' = 'ok';

  beforeAll(async () => {
    server = createServer((req: IncomingMessage, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        lastBody = JSON.parse(body) as typeof lastBody;
        if (mode === 'error') {
          res.writeHead(500).end('{}');
        } else if (mode === 'slow') {
          setTimeout(() => res.writeHead(200, { 'content-type': 'application/json' }).end('{}'), 500);
        } else {
          const content = mode === 'empty' ? '' : 'The image shows heavy noise and slight motion blur.';
          res
            .writeHead(200, { 'content-type': 'application/json' })
            .end(JSON.stringify({ choices: [{ message: { role: 'assistant', content } }] }));
        }
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  const image = { width: 4, height: 2, rgb: Uint8Array.from({ length: 24 }, (_, i) => i * 10) };
  const opts = (): Parameters<typeof askVlm>[1] => ({
    baseUrl: base,
    model: 'instructblip',
    timeoutMs: 200,
    prompt: PROMPT,
  });

  it("sends the paper's prompt and the first frame as a PNG, and extracts the phrase", async () => {
    mode = 'ok';
    const g = await askVlm(image, opts());
    expect(g).toMatchObject({ source: 'vlm', phrase: 'heavy noise and slight motion blur' });
    const parts = lastBody.messages?.[0].content ?? [];
    expect(parts[0]).toEqual({ type: 'text', text: PROMPT });
    const png = PNG.sync.read(
      Buffer.from((parts[1].image_url?.url ?? '').replace('data:image/png;base64,', ''), 'base64'),
    );
    expect([png.width, png.height]).toEqual([4, 2]);
    expect(Array.from(png.data.subarray(0, 4))).toEqual([0, 10, 20, 255]);
  });

  it.each([
    ['error', /HTTP 500/],
    ['slow', /no answer within 200 ms/],
    ['empty', /no degradation phrase/],
  ] as const)('fails with MODEL_ERR_RECOGNIZER on %s so the caller can fall back', async (m, re) => {
    mode = m;
    await expect(askVlm(image, opts())).rejects.toMatchObject({
      code: 'MODEL_ERR_RECOGNIZER',
      message: expect.stringMatching(re),
    });
  });

  it('shortens free-text answers to a template phrase', () => {
    expect(toPhrase('There is Gaussian noise.')).toBe('gaussian noise');
    expect(toPhrase('The image contains: rain streaks and haze!\nMore text')).toBe('rain streaks and haze');
  });
});

import { PNG } from 'pngjs';
import { describeThrown } from '../../common/index.js';
import { modelError } from '../errors.js';
import type { DegradationGuess } from './DegradationEstimate.js';

export interface VlmOptions {
  /** Base URL of an OpenAI-compatible server, e.g. http://127.0.0.1:8000/v1 */
  readonly baseUrl: string;
  readonly model: string;
  readonly apiKey?: string;
  readonly timeoutMs: number;
  readonly prompt: string;
}

/** An 8-bit RGB image, interleaved. */
export interface RgbImage {
  readonly width: number;
  readonly height: number;
  readonly rgb: Uint8Array;
}

export function encodePng(img: RgbImage): Buffer {
  const png = new PNG({ width: img.width, height: img.height });
  for (let i = 0, j = 0; i < img.width * img.height; i++, j += 3) {
    png.data[i * 4] = img.rgb[j];
    png.data[i * 4 + 1] = img.rgb[j + 1];
    png.data[i * 4 + 2] = img.rgb[j + 2];
    png.data[i * 4 + 3] = 255;
  }
  return PNG.sync.write(png);
}

/**
 * Asks an OpenAI-compatible vision-language server (chat completions with an image_url part) the paper's question
 * about the first frame, and turns its answer into a phrase for the template.
 * @throws MODEL_ERR_RECOGNIZER on HTTP errors, timeouts or an empty answer (the caller falls back)
 */
export async function askVlm(first: RgbImage, o: VlmOptions): Promise<DegradationGuess> {
  const url = `${o.baseUrl.replace(/\/+$/, '')}/chat/completions`;
  const body = {
    model: o.model,
    temperature: 0,
    max_tokens: 48,
    messages: [
      {
        role: 'user',
        content: [
          { type: 'text', text: o.prompt },
          { type: 'image_url', image_url: { url: `data:image/png;base64,${encodePng(first).toString('base64')}` } },
        ],
      },
    ],
  };
  let res: Response;
  try {
    res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(o.apiKey ? { authorization: `Bearer ${o.apiKey}` } : {}) },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(o.timeoutMs),
    });
  } catch (e) {
    // fetch rejects with a DOMException named TimeoutError: compare names, not classes (realms differ under test).
    const name = (e as { name?: unknown } | null)?.name;
    const timedOut = name === 'TimeoutError' || name === 'AbortError';
    throw modelError(
      'MODEL_ERR_RECOGNIZER',
      timedOut
        ? `VLM at ${url}: no answer within ${o.timeoutMs} ms`
        : `VLM at ${url}: request failed: ${describeThrown(e)}`,
      { url, stage: 'degradation-recognition' },
      e,
    );
  }
  if (!res.ok) {
    throw modelError('MODEL_ERR_RECOGNIZER', `VLM at ${url}: HTTP ${res.status}: expected 200`, {
      url,
      status: res.status,
    });
  }
  const json = (await res.json().catch(() => undefined)) as
    { choices?: { message?: { content?: unknown } }[] } | undefined;
  const content = json?.choices?.[0]?.message?.content;
  const text =
    typeof content === 'string'
      ? content
      : Array.isArray(content)
        ? content.map((c) => (c as { text?: string }).text ?? '').join(' ')
        : '';
  const phrase = toPhrase(text);
  if (!phrase) {
    throw modelError(
      'MODEL_ERR_RECOGNIZER',
      `VLM at ${url}: answer holds no degradation phrase: expected text, got ${JSON.stringify(text).slice(0, 200)}`,
      {
        url,
      },
    );
  }
  return { source: 'vlm', phrase, confidence: 0.8, evidence: text.slice(0, 300) };
}

/** "The image shows heavy noise and some blur." -> "heavy noise and some blur": short, template-ready. */
export function toPhrase(answer: string): string {
  let s = answer.trim().split(/\n/)[0].toLowerCase();
  s = s.replace(
    /^(the )?(image|picture|frame|photo)( appears to| seems to)?( shows?| contains?| has| have| is affected by| suffers from)?:?\s*/,
    '',
  );
  s = s.replace(/^(there (is|are)|it (has|shows))\s+/, '');
  s = s
    .replace(/[.!?]+$/, '')
    .replace(/[^a-z0-9 ,\-+/]/g, '')
    .replace(/\s+/g, ' ')
    .trim();
  return s.split(' ').slice(0, 12).join(' ');
}

import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parseMultipart } from '@remix-run/multipart-parser';
import { parseInstance, PacsError } from '../../../pacs-adapters/index.js';
import { DicomWebAdapter, type DicomWebConfig } from '../../../pacs-adapters/dicomweb/index.js';
import { freePort } from '../../helpers/orthanc.js';
import { sharedPath } from '../../helpers/sharedData.js';
import { memoryLogger, multipartOf, sleep, startPeer, type HttpPeer } from './httpPeer.js';

const HEAD = 'ct-ge-head-human-tilted';
const files = ['01.dcm', '02.dcm', '03.dcm', '04.dcm', '05.dcm'].map((f) => readFileSync(sharedPath(HEAD, f)));
const uids = files.map((b) => parseInstance(b, 'src').header);
const STUDY = uids[0].studyInstanceUid;
const SERIES = uids[0].seriesInstanceUid;
const sha = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');
const B = 'peer-boundary-1234';
const MULTIPART = `multipart/related; type="application/dicom"; boundary=${B}`;

async function outcome(it: AsyncIterable<{ sopInstanceUid: string }>): Promise<{ got: string[]; error?: PacsError }> {
  const got: string[] = [];
  try {
    for await (const x of it) got.push(x.sopInstanceUid);
  } catch (e) {
    if (!(e instanceof PacsError)) throw e;
    return { got, error: e };
  }
  return { got };
}

describe('DicomWebAdapter against misbehaving HTTP peers', () => {
  let peer: HttpPeer | undefined;
  const log = memoryLogger();
  const adapter = (over: Partial<DicomWebConfig> = {}): DicomWebAdapter =>
    new DicomWebAdapter({
      baseUrl: `${peer?.url ?? 'http://127.0.0.1:9'}/dicom-web`,
      auth: { kind: 'basic', username: 'u', password: 'p' },
      timeoutMs: 2_000,
      retries: { attempts: 3, baseDelayMs: 10, maxDelayMs: 40 },
      logger: log.logger,
      ...over,
    });
  afterEach(async () => {
    await peer?.close();
    peer = undefined;
  });

  it('a PACS that is down: PACS_ERR_UNREACHABLE after every configured attempt, with backoff', async () => {
    const port = await freePort();
    const pacs = adapter({
      baseUrl: `http://127.0.0.1:${port}/dicom-web`,
      retries: { attempts: 3, baseDelayMs: 40, maxDelayMs: 200 },
    });
    const t = Date.now();
    const e = await pacs.searchStudies().catch((x: unknown) => x);
    expect(e).toBeInstanceOf(PacsError);
    expect(e).toMatchObject({ code: 'PACS_ERR_UNREACHABLE', details: { attempts: 3, errno: 'ECONNREFUSED' } });
    expect((e as PacsError).message).toContain(`127.0.0.1:${port}/dicom-web/studies`);
    expect(Date.now() - t).toBeGreaterThanOrEqual(20 + 40); // equal jitter: at least half of 40 + 80
    const r = await outcome(pacs.retrieveSeries(STUDY, SERIES));
    expect(r.error).toMatchObject({ code: 'PACS_ERR_UNREACHABLE', details: { attempts: 3 } });
    const report = await pacs.storeInstances([files[0]]);
    expect(report.failed).toEqual([
      expect.objectContaining({ sopInstanceUid: uids[0].sopInstanceUid, code: 'PACS_ERR_UNREACHABLE' }),
    ]);
    expect(report.failed[0].reason).toMatch(/^not stored \(never retried\)/);
  });

  it('a server that never answers: PACS_ERR_TIMEOUT per attempt, retried', async () => {
    peer = await startPeer(() => undefined); // reads the request, never responds
    const pacs = adapter({ timeoutMs: 150, retries: { attempts: 2, baseDelayMs: 10, maxDelayMs: 10 } });
    const e = await pacs.searchSeries(STUDY).catch((x: unknown) => x);
    expect(e).toMatchObject({ code: 'PACS_ERR_TIMEOUT', details: { phase: 'headers', attempts: 2, timeoutMs: 150 } });
    expect(peer.requests).toHaveLength(2);
  });

  it('a body that stalls mid-stream: PACS_ERR_TIMEOUT after the parts already complete', async () => {
    const { head } = multipartOf(files, B);
    peer = await startPeer((_req, res) => {
      res.writeHead(200, { 'content-type': MULTIPART });
      res.write(Buffer.concat([head[0], head[1].subarray(0, 1000)])); // then silence
    });
    const pacs = adapter({ timeoutMs: 200, retries: { attempts: 1, baseDelayMs: 0, maxDelayMs: 0 } });
    const r = await outcome(pacs.retrieveSeries(STUDY, SERIES));
    expect(r.got).toEqual([uids[0].sopInstanceUid]);
    expect(r.error).toMatchObject({ code: 'PACS_ERR_TIMEOUT', details: { phase: 'body' } });
  });

  it('a slow consumer is not a stalled server: no timeout while the caller holds a part', async () => {
    const { head, close } = multipartOf(files, B);
    peer = await startPeer((_req, res) => {
      res.writeHead(200, { 'content-type': MULTIPART });
      res.end(Buffer.concat([...head, close]));
    });
    const pacs = adapter({ timeoutMs: 200, retries: { attempts: 1, baseDelayMs: 0, maxDelayMs: 0 } });
    const got: string[] = [];
    for await (const x of pacs.retrieveSeries(STUDY, SERIES)) {
      got.push(x.sopInstanceUid);
      await sleep(300); // longer than timeoutMs, at every instance
    }
    expect(got).toEqual(uids.map((u) => u.sopInstanceUid));
  });

  it('streams: part 0 reaches the caller before the server has sent part 1', async () => {
    const { head, close } = multipartOf(files, B);
    let firstSeen!: () => void;
    const seen = new Promise<void>((r) => (firstSeen = r));
    peer = await startPeer(async (_req, res) => {
      res.writeHead(200, { 'content-type': MULTIPART });
      res.write(head[0]);
      res.write(head[1].subarray(0, 60)); // completes the delimiter that ends part 0
      await seen; // a client that buffered the whole body would wait here forever (and time out)
      res.end(Buffer.concat([head[1].subarray(60), ...head.slice(2), close]));
    });
    const pacs = adapter({ timeoutMs: 1_000 });
    const got: { sop: string; sha: string }[] = [];
    for await (const x of pacs.retrieveSeries(STUDY, SERIES)) {
      got.push({ sop: x.sopInstanceUid, sha: sha(x.bytes) });
      if (got.length === 1) firstSeen();
    }
    expect(got).toEqual(files.map((f, i) => ({ sop: uids[i].sopInstanceUid, sha: sha(f) })));
  });

  it('a truncated multipart (cut mid-part, cleanly ended): PACS_ERR_MULTIPART, retried, no duplicates', async () => {
    const { head } = multipartOf(files, B);
    peer = await startPeer((_req, res) => {
      res.writeHead(200, { 'content-type': MULTIPART });
      res.end(Buffer.concat([head[0], head[1], head[2].subarray(0, 5000)]));
    });
    const r = await outcome(adapter().retrieveSeries(STUDY, SERIES));
    expect(r.got).toEqual([uids[0].sopInstanceUid, uids[1].sopInstanceUid]);
    // The first request made progress (two new instances), so three more tries without progress follow it.
    expect(r.error).toMatchObject({ code: 'PACS_ERR_MULTIPART', details: { truncated: true, attempts: 4 } });
    expect(r.error?.message).toContain('expected the closing boundary');
    expect(peer.requests).toHaveLength(4);
  });

  it('a connection cut mid-part, then a good answer: every instance once, two requests', async () => {
    const { head, close } = multipartOf(files, B);
    peer = await startPeer((_req, res, _b, n) => {
      res.writeHead(200, { 'content-type': MULTIPART });
      if (n === 1) res.write(Buffer.concat([head[0], head[1], head[2].subarray(0, 5000)]), () => res.socket?.destroy());
      // leading CRLF (empty preamble) and an epilogue after the close delimiter, both allowed by RFC 2046
      else res.end(Buffer.concat([Buffer.from('\r\n'), ...head, close, Buffer.from('epilogue\r\n')]));
    });
    const r = await outcome(adapter().retrieveSeries(STUDY, SERIES));
    expect(r.error).toBeUndefined();
    expect(r.got).toEqual(uids.map((u) => u.sopInstanceUid));
    expect(peer.requests).toHaveLength(2);
  });

  it('a wrong content type, a foreign part type and a non-DICOM part are final errors, not retried', async () => {
    const { head, close } = multipartOf(files.slice(0, 1), B);
    const bodies: [string, Buffer][] = [
      ['application/json', Buffer.from('[]')],
      [MULTIPART, Buffer.concat([...multipartOf(files.slice(0, 1), B, 'text/plain').head, close])],
      [MULTIPART, Buffer.concat([...multipartOf([Buffer.from('not dicom at all, really')], B).head, close])],
      [`multipart/related; type="application/octet-stream"; boundary=${B}`, Buffer.concat([...head, close])],
    ];
    peer = await startPeer((_req, res, _b, n) => {
      const [type, body] = bodies[n - 1];
      res.writeHead(200, { 'content-type': type });
      res.end(body);
    });
    const codes: (string | undefined)[] = [];
    for (let i = 0; i < bodies.length; i++)
      codes.push((await outcome(adapter().retrieveSeries(STUDY, SERIES))).error?.code);
    expect(codes).toEqual([
      'PACS_ERR_BAD_RESPONSE',
      'PACS_ERR_MULTIPART',
      'PACS_ERR_NOT_DICOM',
      'PACS_ERR_BAD_RESPONSE',
    ]);
    expect(peer.requests).toHaveLength(bodies.length);
  });

  it('5xx is retried (GET), then reported with its status; QIDO JSON of the wrong shape is refused', async () => {
    peer = await startPeer((_req, res, _b, n) => {
      if (n <= 3) {
        res.writeHead(503);
        res.end();
      } else {
        res.writeHead(200, { 'content-type': 'application/dicom+json' });
        res.end(JSON.stringify({ not: 'an array' }));
      }
    });
    const pacs = adapter();
    const e = await pacs.searchStudies().catch((x: unknown) => x);
    expect(e).toMatchObject({ code: 'PACS_ERR_HTTP', details: { status: 503, attempts: 3 } });
    await expect(pacs.searchStudies()).rejects.toMatchObject({ code: 'PACS_ERR_BAD_RESPONSE' });
    expect(peer.requests).toHaveLength(4);
  });

  it('STOW-RS 202: stored-with-warning and failed instances are reported from a real PS3.18 answer', async () => {
    const [a, b, c] = uids;
    peer = await startPeer((req, res, body) => {
      // The peer parses our request with the same library: each part must be exactly one instance.
      const boundary = /boundary=([^;]+)/.exec(String(req.headers['content-type']))?.[1] ?? '';
      const parts = [...parseMultipart(body, { boundary, maxFileSize: 1e9 })];
      const ok =
        String(req.headers['content-type']).startsWith('multipart/related; type="application/dicom"') &&
        parts.length === 3 &&
        parts.every((p, i) => p.headers['content-type'] === 'application/dicom' && sha(p.bytes) === sha(files[i]));
      res.writeHead(ok ? 202 : 400, { 'content-type': 'application/dicom+json' });
      res.end(
        JSON.stringify({
          '00081190': { vr: 'UR', Value: [`${peer?.url}/dicom-web/studies/${STUDY}`] },
          '00081199': {
            vr: 'SQ',
            Value: [
              {
                '00081150': { vr: 'UI', Value: [a.sopClassUid] },
                '00081155': { vr: 'UI', Value: [a.sopInstanceUid] },
                '00081196': { vr: 'US', Value: [0xb000] },
              },
            ],
          },
          '00081198': {
            vr: 'SQ',
            Value: [
              {
                '00081150': { vr: 'UI', Value: [b.sopClassUid] },
                '00081155': { vr: 'UI', Value: [b.sopInstanceUid] },
                '00081197': { vr: 'US', Value: [0xa700] },
              },
            ],
          },
        }),
      );
    });
    const report = await adapter().storeInstances(files.slice(0, 3));
    expect(report.stored).toEqual([a.sopInstanceUid]);
    expect(report.warnings).toEqual([
      { sopInstanceUid: a.sopInstanceUid, code: 'B000', reason: expect.stringContaining('Coercion') },
    ]);
    expect(report.failed).toEqual([
      { sopInstanceUid: b.sopInstanceUid, code: 'A700', reason: expect.stringContaining('Out of resources') },
      { sopInstanceUid: c.sopInstanceUid, code: 'PACS_ERR_STORE_PARTIAL', reason: expect.stringContaining('202') },
    ]);
  });

  it('STOW-RS 409 fails every instance it names; 503 is never retried and stops the store', async () => {
    peer = await startPeer((_req, res, _b, n) => {
      if (n === 1) {
        res.writeHead(409, { 'content-type': 'application/dicom+json' });
        res.end(
          JSON.stringify({
            '00081198': {
              vr: 'SQ',
              Value: [
                { '00081155': { vr: 'UI', Value: [uids[0].sopInstanceUid] }, '00081197': { vr: 'US', Value: [272] } },
              ],
            },
          }),
        );
      } else {
        res.writeHead(503);
        res.end();
      }
    });
    const pacs = adapter({ storeBatchSize: 1, retries: { attempts: 5, baseDelayMs: 1, maxDelayMs: 1 } });
    const first = await pacs.storeInstances([files[0]]);
    expect(first).toEqual({
      stored: [],
      failed: [
        { sopInstanceUid: uids[0].sopInstanceUid, code: '0110', reason: expect.stringContaining('Processing failure') },
      ],
      warnings: [],
    });
    const consumed: number[] = [];
    const report = await pacs.storeInstances(
      (function* () {
        for (let i = 1; i < 5; i++) {
          consumed.push(i);
          yield files[i];
        }
      })(),
    );
    expect(peer.requests.filter((r) => r.method === 'POST')).toHaveLength(2); // one per call: never retried
    expect(consumed).toEqual([1]); // the store stopped reading its input after the failed request
    expect(report.stored).toEqual([]);
    expect(report.failed).toEqual([
      {
        sopInstanceUid: uids[1].sopInstanceUid,
        code: 'PACS_ERR_HTTP',
        reason: expect.stringContaining('outcome unknown'),
      },
      { code: 'PACS_ERR_HTTP', reason: expect.stringContaining('any later input was not read or sent') },
    ]);
  });

  it('close() refuses further requests; a caller abort is rethrown as is', async () => {
    peer = await startPeer(() => undefined);
    const pacs = adapter({ timeoutMs: 5_000 });
    const ctl = new AbortController();
    const pending = pacs.searchStudies({}, ctl.signal).catch((x: unknown) => x);
    await sleep(50);
    ctl.abort(new Error('user cancelled'));
    expect(await pending).toMatchObject({ message: 'user cancelled' });
    const inFlight = pacs.searchStudies().catch((x: unknown) => x);
    await sleep(50);
    await pacs.close();
    expect(await inFlight).toMatchObject({ code: 'PACS_ERR_CLOSED' });
    await expect(pacs.searchStudies()).rejects.toMatchObject({ code: 'PACS_ERR_CLOSED' });
  });

  it('logs no patient identifier from queries', async () => {
    peer = await startPeer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/dicom+json' });
      res.end('[]');
    });
    await adapter().searchStudies({ patientId: 'SECRET-PID-42', accessionNumber: 'ACC-SECRET' });
    expect(peer.requests[0].url).toContain('PatientID=SECRET-PID-42');
    const text = log.lines.join('');
    expect(text).toContain('PHI');
    expect(text).not.toContain('SECRET');
  });
});

import { request } from 'node:http';
import { pacsError } from '../../../pacs-adapters/index.js';
import { multipartBody } from '../../../pacs-adapters/dicomweb/multipartBody.js';
import { FAILURE_REASON } from '../../../server/dicomweb/index.js';
import { storeFailure } from '../../../server/dicomweb/stowFailure.js';
import { otherUid, patchStrings, uidOf } from '../../pacs-adapters/local/helpers.js';
import {
  CT1_UNC,
  CT2_JPLL,
  HEAD,
  first,
  json,
  multipartParts,
  phiLeaks,
  readShared,
  sha,
  startDicomWebServer,
  type Dataset,
  type TestServer,
} from './dicomWebServer.js';

const MAX_BODY = 3 * 1024 * 1024;
const C000 = 0xc000;
const A900 = 0xa900;

/** A multipart/related body written by hand, for parts our client's writer would never produce. */
function handBody(
  parts: { bytes: Uint8Array; type?: string | null }[], // type default application/dicom; null: no header
  o: { close?: boolean; boundary?: string } = {},
): { body: Buffer; contentType: string } {
  const boundary = o.boundary ?? 'test-boundary-7d1c';
  const chunks: Buffer[] = [];
  for (const p of parts) {
    const head = p.type === null ? '' : `Content-Type: ${p.type ?? 'application/dicom'}\r\n`;
    chunks.push(Buffer.from(`--${boundary}\r\n${head}\r\n`, 'latin1'), Buffer.from(p.bytes), Buffer.from('\r\n'));
  }
  if (o.close !== false) chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return {
    body: Buffer.concat(chunks),
    contentType: `multipart/related; type="application/dicom"; boundary=${boundary}`,
  };
}

/**
 * A POST over node:http that sends its body in 64 KiB chunks and stops sending once an answer arrives (as a
 * client does when refused mid-upload). `chunked` sends no Content-Length.
 */
function rawPost(
  url: string,
  headers: Record<string, string>,
  body: Buffer,
  chunked: boolean,
): Promise<{ status: number; body: string }> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    let answered = false;
    const req = request(
      {
        host: u.hostname,
        port: u.port,
        path: u.pathname,
        method: 'POST',
        headers: chunked ? headers : { ...headers, 'content-length': String(body.length) },
      },
      (res) => {
        answered = true;
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') });
          if (chunked) req.end();
          else req.destroy();
        });
      },
    );
    req.on('error', (e) => {
      if (!answered) reject(e);
    });
    let at = 0;
    const pump = (): void => {
      if (answered) return;
      if (at >= body.length) return void req.end();
      const ok = req.write(body.subarray(at, at + 64 * 1024));
      at += 64 * 1024;
      if (ok) setImmediate(pump);
      else req.once('drain', pump);
    };
    req.flushHeaders();
    setImmediate(pump);
  });
}

describe('STOW-RS (server/dicomweb)', () => {
  let s: TestServer;
  const head: Uint8Array[] = [];
  let ct1: Uint8Array;
  let ct2: Uint8Array;
  const post = (path: string, b: { body: Uint8Array; contentType: string }, accept?: string): Promise<Response> =>
    fetch(`${s.url}${path}`, {
      method: 'POST',
      body: b.body,
      headers: { 'content-type': b.contentType, ...(accept === undefined ? {} : { accept }) },
    });
  const seqUids = (ds: Dataset, tag: string): unknown[] =>
    (ds[tag]?.Value ?? []).map((item) => first(item as Dataset, '00081155'));
  const reasons = (ds: Dataset): unknown[] =>
    (ds['00081198']?.Value ?? []).map((item) => first(item as Dataset, '00081197'));

  beforeAll(async () => {
    s = await startDicomWebServer({ seed: false, maxBodyBytes: MAX_BODY });
    for (const n of ['01', '02', '03', '04']) head.push(await readShared(`${HEAD}/${n}.dcm`));
    ct1 = await readShared(CT1_UNC);
    ct2 = await readShared(CT2_JPLL);
  });
  afterAll(() => s.close());

  it('stores every part of POST /studies (200) with ReferencedSOPSequence, bytes unchanged', async () => {
    const r = await post('/studies', multipartBody(head.slice(0, 3)));
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/^application\/dicom\+json/);
    const ds = await json<Dataset>(r);
    const sops = head.slice(0, 3).map((b) => uidOf(b, 'x00080018'));
    expect(seqUids(ds, '00081199')).toEqual(sops);
    expect(ds['00081198']).toBeUndefined();
    const study = uidOf(head[0], 'x0020000d');
    const series = uidOf(head[0], 'x0020000e');
    expect(first(ds, '00081190')).toBe(`${s.url}/studies/${study}`);
    const item = (ds['00081199'].Value as Dataset[])[0];
    expect(first(item, '00081150')).toBe('1.2.840.10008.5.1.4.1.1.2');
    expect(first(item, '00081190')).toBe(`${s.url}/studies/${study}/series/${series}/instances/${sops[0]}`);
    for (const [k, sop] of sops.entries()) {
      expect(sha(await s.store.readInstanceBytes(sop))).toBe(sha(head[k]));
    }
  });

  it('counts an instance already stored with identical bytes as stored (idempotent)', async () => {
    const r = await post(`/studies/${uidOf(head[0], 'x0020000d')}`, multipartBody(head.slice(0, 4)));
    expect(r.status).toBe(200);
    expect(seqUids(await json<Dataset>(r), '00081199')).toHaveLength(4);
    expect(s.store.stats().instances).toBe(4);
  });

  it('answers 202 when some parts fail (C000 for a part that is not DICOM)', async () => {
    const r = await post(
      '/studies',
      handBody([{ bytes: ct1, type: 'application/dicom' }, { bytes: Buffer.from('not a DICOM file at all') }]),
    );
    expect(r.status).toBe(202);
    const ds = await json<Dataset>(r);
    expect(seqUids(ds, '00081199')).toEqual([uidOf(ct1, 'x00080018')]);
    expect(reasons(ds)).toEqual([C000]);
    expect(ds['00081198'].vr).toBe('SQ');
  });

  it('answers 409 when every part fails', async () => {
    const r = await post('/studies', handBody([{ bytes: Buffer.from('garbage') }, { bytes: ct2, type: 'image/jpeg' }]));
    const ds = await json<Dataset>(r);
    expect(r.status).toBe(409);
    expect(reasons(ds)).toEqual([C000, C000]);
    expect(ds['00081199']).toEqual({ vr: 'SQ' });
  });

  it('refuses instances of another study on POST /studies/{study} with A900', async () => {
    const study = uidOf(head[0], 'x0020000d');
    const only = await post(`/studies/${study}`, multipartBody([ct2]));
    expect(only.status).toBe(409);
    const ds = await json<Dataset>(only);
    expect(reasons(ds)).toEqual([A900]);
    expect(seqUids(ds, '00081198')).toEqual([uidOf(ct2, 'x00080018')]);
    const mixed = await post(`/studies/${study}`, multipartBody([ct2, head[0]]));
    expect(mixed.status).toBe(202);
    expect(s.store.getInstance(uidOf(ct2, 'x00080018'))).toBeUndefined();
  });

  it('refuses a SOPInstanceUID stored with other bytes (0111) and a series under a second study (A900)', async () => {
    const changed = patchStrings(head[0], { x00081030: 'HEAF' });
    const dup = await post('/studies', multipartBody([changed]));
    expect(dup.status).toBe(409);
    expect(reasons(await json<Dataset>(dup))).toEqual([FAILURE_REASON.duplicateSopInstance]);
    const sop = otherUid(uidOf(head[1], 'x00080018'), 1);
    const moved = patchStrings(head[1], {
      x0020000d: otherUid(uidOf(head[1], 'x0020000d'), 1),
      x00080018: sop,
      x00020003: sop,
    });
    const r = await post('/studies', multipartBody([moved]));
    expect(r.status).toBe(409);
    expect(reasons(await json<Dataset>(r))).toEqual([A900]);
  });

  it('answers 415 for a wrong content type, 400 without a boundary or parts, 406 for an XML answer', async () => {
    const dicom = multipartBody([head[0]]);
    for (const type of [
      'application/dicom',
      'multipart/related; type="application/dicom+json"; boundary=x',
      'multipart/form-data; boundary=x',
      'text/plain',
      'not a media type',
    ]) {
      const r = await post('/studies', { body: dicom.body, contentType: type });
      expect([type, r.status, (await json<{ code: string }>(r)).code]).toEqual([
        type,
        415,
        'SRV_ERR_UNSUPPORTED_MEDIA',
      ]);
    }
    const noBoundary = await post('/studies', {
      body: dicom.body,
      contentType: 'multipart/related; type="application/dicom"',
    });
    expect(noBoundary.status).toBe(400);
    const empty = await post('/studies', {
      body: Buffer.from('--b--\r\n'),
      contentType: 'multipart/related; boundary=b',
    });
    expect(empty.status).toBe(400);
    const xml = await post('/studies', dicom, 'application/dicom+xml');
    expect(xml.status).toBe(406);
    const badStudy = await post('/studies/..%2F..', dicom);
    expect(badStudy.status).toBe(400);
  });

  it('reports a part without headers as malformed (the parser needs a header section), never drops it silently', async () => {
    const r = await post('/studies', handBody([{ bytes: head[0], type: null }]));
    expect(r.status).toBe(400);
    expect((await json<{ message: string }>(r)).message).toMatch(/headers over 16 KiB/);
    const after = await post('/studies', handBody([{ bytes: head[0] }, { bytes: head[1], type: null }]));
    expect(after.status).toBe(202);
    expect(reasons(await json<Dataset>(after))).toEqual([C000]);
  });

  it('answers 413 beyond maxBodyBytes, with or without Content-Length', async () => {
    const big = handBody([{ bytes: Buffer.alloc(MAX_BODY + 1024, 7) }]);
    const headers = { 'content-type': big.contentType };
    const declared = await rawPost(`${s.url}/studies`, headers, big.body, false);
    expect(declared.status).toBe(413);
    expect((JSON.parse(declared.body) as { code: string }).code).toBe('SRV_ERR_PAYLOAD_TOO_LARGE');
    const many = handBody([...head, ...head, ...head, ...head, ...head, ...head, ...head].map((bytes) => ({ bytes })));
    expect(many.body.length).toBeGreaterThan(MAX_BODY);
    const chunked = await rawPost(`${s.url}/studies`, { 'content-type': many.contentType }, many.body, true);
    expect(chunked.status).toBe(413);
    const err = JSON.parse(chunked.body) as { code: string; details: { partsBeforeLimit: number } };
    expect(err.code).toBe('SRV_ERR_PAYLOAD_TOO_LARGE');
    expect(err.details.partsBeforeLimit).toBeGreaterThan(0); // parts complete before the limit were stored
    // the connection was drained, not reset: the server still answers
    expect((await fetch(`${s.url}/studies?limit=1`)).status).toBe(200);
  });

  it('keeps the complete parts of a body cut before its close delimiter (202, C000 for the rest)', async () => {
    const sop = otherUid(uidOf(head[2], 'x00080018'), 7);
    const fresh = patchStrings(head[2], { x00080018: sop, x00020003: sop });
    const cut = handBody([{ bytes: fresh }, { bytes: head[3] }], { close: false });
    const truncated = cut.body.subarray(0, cut.body.length - 1000);
    const r = await post('/studies', { body: truncated, contentType: cut.contentType });
    expect(r.status).toBe(202);
    const ds = await json<Dataset>(r);
    expect(seqUids(ds, '00081199')).toEqual([sop]);
    expect(reasons(ds)).toEqual([C000]);
    const nothing = handBody([{ bytes: head[3] }], { close: false });
    const r2 = await post('/studies', { body: nothing.body.subarray(0, 5000), contentType: nothing.contentType });
    expect(r2.status).toBe(400);
    expect((await json<{ details: { truncated: boolean } }>(r2)).details.truncated).toBe(true);
  });

  it('serves what it stored: QIDO finds it, WADO-RS returns the same bytes', async () => {
    const study = uidOf(head[0], 'x0020000d');
    const series = uidOf(head[0], 'x0020000e');
    const found = await json<Dataset[]>(await fetch(`${s.url}/studies?StudyInstanceUID=${study}`));
    expect(first(found[0], '00201208')).toBe(5); // 4 GE slices + the one kept from the cut body
    const r = await fetch(`${s.url}/studies/${study}/series/${series}`);
    const { parts } = await multipartParts(r);
    const sent = new Set(parts.map((p) => sha(p.bytes)));
    expect(parts).toHaveLength(5);
    expect(head.every((b) => sent.has(sha(b)))).toBe(true);
  });

  it('maps store errors to failure reasons', () => {
    expect(storeFailure(pacsError('PACS_ERR_BAD_ATTRIBUTE', 'a DICOMDIR', { field: 'DICOMDIR' })).reason).toBe(0x0122);
    expect(storeFailure(pacsError('PACS_ERR_PARSE', 'bad')).reason).toBe(C000);
    const enospc = Object.assign(new Error('no space'), { code: 'ENOSPC' });
    expect(storeFailure(pacsError('PACS_ERR_STORE', 'write failed', {}, enospc)).reason).toBe(0xa700);
    expect(storeFailure(pacsError('PACS_ERR_STORE', 'index failed')).reason).toBe(0x0110);
    expect(storeFailure(new Error('?')).reason).toBe(0x0110);
  });

  it('audits every stored or refused part with UIDs only, and logs no patient data', () => {
    const stores = s.audit.filter((e) => e.action === 'dicomweb.store');
    expect(stores.filter((e) => e.outcome === 'ok').length).toBeGreaterThanOrEqual(9);
    expect(stores.some((e) => e.outcome === 'error' && e.detail?.includes('A900'))).toBe(true);
    expect(stores.some((e) => e.outcome === 'error' && e.detail?.includes('SRV_ERR_PAYLOAD_TOO_LARGE'))).toBe(true);
    expect(stores.every((e) => e.sopInstanceUid === undefined || /^[0-9.]+$/.test(e.sopInstanceUid))).toBe(true);
    expect(phiLeaks(s)).toEqual([]);
  });
});

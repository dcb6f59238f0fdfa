import { readdirSync } from 'node:fs';
import { decodeFrame, parseInstance } from '../../../pacs-adapters/index.js';
import { sharedPath } from '../../helpers/sharedData.js';
import {
  CT1_J2KR,
  CT1_UNC,
  CT2_JPLL,
  HEAD,
  first,
  json,
  multipartParts,
  phiLeaks,
  rawGet,
  readShared,
  sha,
  startDicomWebServer,
  type Dataset,
  type TestServer,
} from './dicomWebServer.js';

const EXPLICIT_LE = '1.2.840.10008.1.2.1';
const J2K_LOSSLESS = '1.2.840.10008.1.2.4.90';
const DICOM_ANY = 'multipart/related; type="application/dicom"; transfer-syntax=*';
const OCTETS = 'multipart/related; type="application/octet-stream"; transfer-syntax=*';

/** What our decoder gives for frame `n` (0-based) of a file: the bytes the frames resource must send. */
async function decoderBytes(bytes: Uint8Array, n = 0): Promise<Uint8Array> {
  const f = await decodeFrame(parseInstance(bytes, 'test'), n);
  const a = f.kind === 'gray' ? f.stored : f.rgb;
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}

describe('WADO-RS (server/dicomweb)', () => {
  const TOKEN = 'wado-test-token-0123456789';
  let s: TestServer;
  let headStudy = '';
  let headSeries = '';
  let ct1Study = '';
  let ct1Series = '';
  const shaBySop = new Map<string, string>();
  const bytesBySop = new Map<string, Uint8Array>();
  const sopOf = new Map<string, string>();
  const auth = { authorization: `Bearer ${TOKEN}` };
  const get = (path: string, accept?: string): Promise<Response> =>
    fetch(`${s.url}${path}`, { headers: { ...auth, ...(accept === undefined ? {} : { accept }) } });

  beforeAll(async () => {
    s = await startDicomWebServer({ token: TOKEN });
    const files = [
      ...readdirSync(sharedPath(HEAD))
        .filter((f) => f.endsWith('.dcm'))
        .map((f) => `${HEAD}/${f}`),
      CT1_UNC,
      CT1_J2KR,
      CT2_JPLL,
    ];
    for (const f of files) {
      const bytes = await readShared(f);
      const sop = parseInstance(bytes, f).dataSet.string('x00080018') as string;
      shaBySop.set(sop, sha(bytes));
      bytesBySop.set(sop, bytes);
      sopOf.set(f, sop);
    }
    for (const st of s.store.listStudies()) {
      if (st.numberOfInstances === 28) headStudy = st.studyInstanceUid;
      if (st.patientId === '1CT1') ct1Study = st.studyInstanceUid;
    }
    headSeries = s.store.listSeries(headStudy)[0].seriesInstanceUid;
    ct1Series = s.store.listSeries(ct1Study)[0].seriesInstanceUid;
  });
  afterAll(() => s.close());

  it('needs the token when mounted behind the token middleware', async () => {
    const r = await fetch(`${s.url}/studies/${headStudy}`);
    expect(r.status).toBe(401);
    expect((await json<{ code: string }>(r)).code).toBe('SRV_ERR_UNAUTHORIZED');
  });

  it('streams a series as multipart/related application/dicom, every part the stored bytes', async () => {
    const r = await get(`/studies/${headStudy}/series/${headSeries}`, DICOM_ANY);
    expect(r.status).toBe(200);
    const { type, parts } = await multipartParts(r);
    expect(type).toMatch(/^multipart\/related; type="application\/dicom"; boundary=/);
    expect(parts).toHaveLength(28);
    const sops = s.store.listInstances(headSeries).map((i) => i.sopInstanceUid);
    parts.forEach((p, k) => {
      expect(p.headers['content-type']).toBe(`application/dicom; transfer-syntax=${EXPLICIT_LE}`);
      expect(sha(p.bytes)).toBe(shaBySop.get(sops[k]));
      expect(p.headers['content-location']).toBe(
        `${s.url}/studies/${headStudy}/series/${headSeries}/instances/${sops[k]}`,
      );
    });
  });

  it('retrieves one instance (no Accept header: the stored syntax) and a whole study', async () => {
    const sop = sopOf.get(`${HEAD}/05.dcm`) as string;
    const one = await multipartParts(await get(`/studies/${headStudy}/series/${headSeries}/instances/${sop}`));
    expect(one.parts.map((p) => sha(p.bytes))).toEqual([shaBySop.get(sop)]);
    const study = await multipartParts(await get(`/studies/${headStudy}`, DICOM_ANY));
    expect(study.parts).toHaveLength(28);
  });

  it('sends compressed instances as stored with transfer-syntax=*, and refuses to transcode (406)', async () => {
    const both = await multipartParts(await get(`/studies/${ct1Study}`, DICOM_ANY));
    expect(both.parts.map((p) => p.headers['content-type']).sort()).toEqual([
      `application/dicom; transfer-syntax=${EXPLICIT_LE}`,
      `application/dicom; transfer-syntax=${J2K_LOSSLESS}`,
    ]);
    expect(both.parts.map((p) => sha(p.bytes)).sort()).toEqual(
      [shaBySop.get(sopOf.get(CT1_UNC) as string), shaBySop.get(sopOf.get(CT1_J2KR) as string)].sort(),
    );
    const transcode = await get(
      `/studies/${ct1Study}`,
      `multipart/related; type="application/dicom"; transfer-syntax=${EXPLICIT_LE}`,
    );
    expect(transcode.status).toBe(406);
    const err = await json<{ code: string; details: { transferSyntax: string; stored: string } }>(transcode);
    expect(err.code).toBe('SRV_ERR_NOT_ACCEPTABLE');
    expect(err.details.stored).toBe(`${EXPLICIT_LE},${J2K_LOSSLESS}`);
    const j2k = sopOf.get(CT1_J2KR) as string;
    const asStored = await get(
      `/studies/${ct1Study}/series/${ct1Series}/instances/${j2k}`,
      `multipart/related; type="application/dicom"; transfer-syntax=${J2K_LOSSLESS}`,
    );
    expect(asStored.status).toBe(200);
    expect((await multipartParts(asStored)).parts.map((p) => sha(p.bytes))).toEqual([shaBySop.get(j2k)]);
    // A later range that fits is taken when an earlier one would need transcoding.
    const fallback = await get(
      `/studies/${ct1Study}`,
      `multipart/related; type="application/dicom"; transfer-syntax=${EXPLICIT_LE}, multipart/related; type="application/dicom"; q=0.5`,
    );
    expect(fallback.status).toBe(200);
    await fallback.arrayBuffer();
  });

  it('answers 406 when nothing acceptable is asked for', async () => {
    for (const accept of [
      'application/json',
      'application/dicom',
      'multipart/related; type="image/jpeg"',
      'text/html',
    ]) {
      const r = await get(`/studies/${headStudy}/series/${headSeries}`, accept);
      expect([accept, r.status]).toEqual([accept, 406]);
      expect((await json<{ code: string }>(r)).code).toBe('SRV_ERR_NOT_ACCEPTABLE');
    }
  });

  it('answers 404 JSON for unknown resources and for parents that do not own the child', async () => {
    const sop = sopOf.get(`${HEAD}/01.dcm`) as string;
    const paths = [
      '/studies/1.2.3.4',
      `/studies/${headStudy}/series/1.2.3.4`,
      `/studies/${ct1Study}/series/${headSeries}`,
      `/studies/${headStudy}/series/${headSeries}/instances/1.2.3.4`,
      `/studies/${ct1Study}/series/${ct1Series}/instances/${sop}`,
      `/studies/${headStudy}/series/${headSeries}/metadata/extra`,
    ];
    for (const path of paths) {
      const r = await get(path, DICOM_ANY);
      expect([path, r.status, (await json<{ code: string }>(r)).code]).toEqual([path, 404, 'SRV_ERR_NOT_FOUND']);
    }
  });

  it('refuses path traversal and non-UIDs in the path with 400', async () => {
    const paths = [
      '/studies/..%2F..%2F..%2Fetc%2Fpasswd',
      '/studies/%2e%2e',
      '/studies/..',
      `/studies/${headStudy}/series/..%2F${headSeries}`,
      `/studies/${headStudy}/series/${headSeries}/instances/%2e%2e%2f%2e%2e`,
      `/studies/${headStudy}/series/${headSeries}/instances/1.2.3%5C..`,
      '/studies/1.2.3.4.5.6.7.8.9.10.11.12.13.14.15.16.17.18.19.20.21.22.23.24.25.26.27.28.29.30.31.32.33.34.35.36.37',
    ];
    for (const path of paths) {
      const raw = await rawGet(s.url, path, auth); // sent as written: fetch would normalise "..", "%2e%2e"
      expect([path, raw.status]).toEqual([path, 400]);
      const body = JSON.parse(raw.body) as { code: string; details: { field: string } };
      expect(body.code).toBe('SRV_ERR_BAD_REQUEST');
      expect(['StudyInstanceUID', 'SeriesInstanceUID', 'SOPInstanceUID']).toContain(body.details.field);
    }
  });

  describe('metadata', () => {
    it('answers DICOM JSON of every attribute but the pixel data, which is a BulkDataURI', async () => {
      const r = await get(`/studies/${headStudy}/series/${headSeries}/metadata`);
      expect(r.status).toBe(200);
      expect(r.headers.get('content-type')).toMatch(/^application\/dicom\+json/);
      const list = await json<Dataset[]>(r);
      expect(list).toHaveLength(28);
      const ds = list[0];
      expect(first(ds, '0020000E')).toBe(headSeries);
      expect(ds['00100010']).toEqual({ vr: 'PN', Value: [{ Alphabetic: 'REMOVED' }] });
      expect(ds['00180050']).toEqual({ vr: 'DS', Value: [4] });
      expect(ds['00280010']).toEqual({ vr: 'US', Value: [512] });
      expect(ds['00200037'].Value).toHaveLength(6);
      expect(ds['00080020']).toEqual({ vr: 'DA' }); // empty Type 2 attribute: no Value
      expect(ds['7FE00010'].vr).toBe('OW');
      expect(ds['7FE00010'].InlineBinary).toBeUndefined();
      const sop = first(ds, '00080018') as string;
      expect(ds['7FE00010'].BulkDataURI).toBe(
        `${s.url}/studies/${headStudy}/series/${headSeries}/instances/${sop}/bulk/7FE00010`,
      );
      expect(Object.keys(ds).some((t) => t.startsWith('0002'))).toBe(false);
      expect(Object.keys(ds)).toEqual([...Object.keys(ds)].sort());
      expect(JSON.stringify(list).length).toBeLessThan(28 * 20_000); // no pixel data inline
    });

    it('serves study and instance metadata; compressed pixel data is OB; 406 for XML', async () => {
      expect(await json<Dataset[]>(await get(`/studies/${headStudy}/metadata`))).toHaveLength(28);
      const j2k = sopOf.get(CT1_J2KR) as string;
      const [ds] = await json<Dataset[]>(
        await get(`/studies/${ct1Study}/series/${ct1Series}/instances/${j2k}/metadata`),
      );
      expect(ds['7FE00010'].vr).toBe('OB');
      expect(ds['00082112']?.vr).toBe('SQ'); // SourceImageSequence of WG04: nested data sets
      expect(typeof (ds['00082112'].Value?.[0] as Dataset)['00081150'].Value?.[0]).toBe('string');
      const xml = await get(`/studies/${headStudy}/metadata`, 'multipart/related; type="application/dicom+xml"');
      expect(xml.status).toBe(406);
    });

    it('the BulkDataURI gives the uncompressed pixel data', async () => {
      const j2k = sopOf.get(CT1_J2KR) as string;
      const [ds] = await json<Dataset[]>(
        await get(`/studies/${ct1Study}/series/${ct1Series}/instances/${j2k}/metadata`),
      );
      const r = await fetch(ds['7FE00010'].BulkDataURI as string, { headers: { ...auth, accept: OCTETS } });
      expect(r.status).toBe(200);
      const { parts } = await multipartParts(r);
      expect(parts).toHaveLength(1);
      expect(
        Buffer.from(parts[0].bytes).equals(Buffer.from(await decoderBytes(bytesBySop.get(j2k) as Uint8Array))),
      ).toBe(true);
      const other = await get(`/studies/${ct1Study}/series/${ct1Series}/instances/${j2k}/bulk/00100010`, OCTETS);
      expect(other.status).toBe(404);
    });
  });

  describe('frames', () => {
    it('sends native frames exactly as our decoder gives them', async () => {
      const sop = sopOf.get(`${HEAD}/07.dcm`) as string;
      const r = await get(`/studies/${headStudy}/series/${headSeries}/instances/${sop}/frames/1`, OCTETS);
      expect(r.status).toBe(200);
      const { type, parts } = await multipartParts(r);
      expect(type).toMatch(/^multipart\/related; type="application\/octet-stream"; boundary=/);
      expect(parts).toHaveLength(1);
      expect(parts[0].headers['content-type']).toBe(`application/octet-stream; transfer-syntax=${EXPLICIT_LE}`);
      expect(parts[0].bytes.length).toBe(512 * 512 * 2);
      expect(
        Buffer.from(parts[0].bytes).equals(Buffer.from(await decoderBytes(bytesBySop.get(sop) as Uint8Array))),
      ).toBe(true);
    });

    it('decodes compressed frames (JPEG 2000, JPEG Lossless) to what our decoder gives', async () => {
      for (const file of [CT1_J2KR, CT2_JPLL]) {
        const sop = sopOf.get(file) as string;
        const entry = s.store.getInstance(sop);
        if (!entry) throw new Error(`${file} not stored`);
        const path = `/studies/${entry.studyInstanceUid}/series/${entry.seriesInstanceUid}/instances/${sop}/frames/1,1`;
        const r = await get(path); // no Accept: uncompressed frames
        expect([file, r.status]).toEqual([file, 200]);
        const { parts } = await multipartParts(r);
        expect(parts).toHaveLength(2);
        const expected = Buffer.from(await decoderBytes(bytesBySop.get(sop) as Uint8Array));
        for (const p of parts) expect(Buffer.from(p.bytes).equals(expected)).toBe(true);
      }
      // lossless: the J2K frame equals the uncompressed file's frame
      const unc = await decoderBytes(bytesBySop.get(sopOf.get(CT1_UNC) as string) as Uint8Array);
      const j2k = await decoderBytes(bytesBySop.get(sopOf.get(CT1_J2KR) as string) as Uint8Array);
      expect(Buffer.from(unc).equals(Buffer.from(j2k))).toBe(true);
    });

    it('answers 400 for a bad frame list, 404 past the last frame, 406 for compressed media types', async () => {
      const sop = sopOf.get(`${HEAD}/07.dcm`) as string;
      const base = `/studies/${headStudy}/series/${headSeries}/instances/${sop}/frames`;
      for (const list of ['0', 'a', '1,,2', '-1', '1.5']) {
        const r = await get(`${base}/${list}`, OCTETS);
        expect([list, r.status]).toEqual([list, 400]);
        expect((await json<{ details: { field: string } }>(r)).details.field).toBe('frames');
      }
      const past = await get(`${base}/2`, OCTETS);
      expect(past.status).toBe(404);
      expect((await json<{ details: { frames: number } }>(past)).details.frames).toBe(1);
      const jls = await get(`${base}/1`, 'multipart/related; type="image/jls"');
      expect(jls.status).toBe(406);
      const otherTs = await get(
        `${base}/1`,
        'multipart/related; type="application/octet-stream"; transfer-syntax=1.2.840.10008.1.2',
      );
      expect(otherTs.status).toBe(406);
    });
  });

  it('audits every retrieve with its UIDs and logs no patient data', () => {
    const retrieves = s.audit.filter((e) => e.action === 'dicomweb.retrieve');
    expect(
      retrieves.some((e) => e.outcome === 'ok' && e.seriesInstanceUid === headSeries && e.sopInstanceUid === undefined),
    ).toBe(true);
    expect(retrieves.some((e) => e.outcome === 'error' && e.detail?.includes('SRV_ERR_NOT_ACCEPTABLE'))).toBe(true);
    expect(s.audit.some((e) => e.action === 'auth.denied')).toBe(true);
    expect(phiLeaks(s)).toEqual([]);
  });
});

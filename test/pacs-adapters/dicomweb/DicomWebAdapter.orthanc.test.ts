import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import {
  decodeFrame,
  derivedSeriesSpec,
  encodePart10,
  modalityValues,
  parseInstance,
  PacsError,
  readInstanceFile,
  readNaturalDataset,
  writeDerivedInstance,
  type DerivationInfo,
  type DicomInstance,
} from '../../../pacs-adapters/index.js';
import { DicomWebAdapter, type DicomWebConfig } from '../../../pacs-adapters/dicomweb/index.js';
import { startOrthanc, type RunningOrthanc } from '../../helpers/orthanc.js';
import { sharedPath } from '../../helpers/sharedData.js';
import { memoryLogger, startPeer, type HttpPeer } from './httpPeer.js';

const HEAD = 'ct-ge-head-human-tilted';
const OTHER = 'ct-wg04-compressed/CT1_UNC'; // a second study: PatientID 1CT1, StudyDate 20040826
const sha = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

const derivation: DerivationInfo = {
  method: 'identity (DICOMweb round-trip test)',
  task: 'identity',
  packName: 'none',
  packSha256: '0'.repeat(64),
  parameters: {},
  softwareVersion: '0.1.0',
};

async function identityDerived(sources: DicomInstance[]) {
  const spec = derivedSeriesSpec(sources[0].header, [sources[0].header.seriesNumber ?? 0]);
  return Promise.all(
    sources.map(async (src) => {
      const f = await decodeFrame(src, 0);
      if (f.kind !== 'gray') throw new Error('expected a greyscale CT');
      return writeDerivedInstance(src, { kind: 'modality', frames: [modalityValues(f, src.header)] }, derivation, spec);
    }),
  );
}

async function collect(it: AsyncIterable<{ sopInstanceUid: string; bytes: Uint8Array }>) {
  const out: { sopInstanceUid: string; bytes: Uint8Array }[] = [];
  for await (const x of it) out.push(x);
  return out;
}

async function rejection(p: Promise<unknown>): Promise<PacsError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof PacsError) return e;
    throw e;
  }
  throw new Error('expected a PacsError, got success');
}

describe('DicomWebAdapter against a real Orthanc (DICOMweb plugin)', () => {
  let orthanc: RunningOrthanc;
  let pacs: DicomWebAdapter;
  let log: ReturnType<typeof memoryLogger>;
  const files = readdirSync(sharedPath(HEAD))
    .filter((f) => f.endsWith('.dcm'))
    .sort();
  const bySop = new Map<string, { file: string; sha: string }>();
  let study = '';
  let series = '';
  const config = (over: Partial<DicomWebConfig> = {}): DicomWebConfig => ({
    baseUrl: orthanc.dicomWebUrl,
    auth: { kind: 'basic', username: orthanc.username, password: orthanc.password },
    timeoutMs: 10_000,
    retries: { attempts: 3, baseDelayMs: 20, maxDelayMs: 100 },
    logger: log.logger,
    ...over,
  });

  beforeAll(async () => {
    log = memoryLogger();
    orthanc = await startOrthanc();
    for (const f of files) {
      const bytes = readFileSync(sharedPath(HEAD, f));
      const inst = parseInstance(bytes, f);
      bySop.set(inst.header.sopInstanceUid, { file: f, sha: sha(bytes) });
      study = inst.header.studyInstanceUid;
      series = inst.header.seriesInstanceUid;
      await orthanc.upload(bytes);
    }
    await orthanc.upload(readFileSync(sharedPath(OTHER)));
    pacs = new DicomWebAdapter(config());
  });
  afterAll(async () => {
    await pacs?.close();
    await orthanc?.stop();
  });

  it('QIDO-RS: searches studies with every filter, limit and offset, PN as Alphabetic', async () => {
    const all = await pacs.searchStudies();
    expect(all).toHaveLength(2);
    const head = all.find((s) => s.studyInstanceUid === study);
    expect(head).toMatchObject({
      patientName: 'REMOVED',
      studyDescription: 'HEAD',
      modalities: ['CT'],
      numberOfSeries: 1,
      numberOfInstances: 28,
    });
    expect((await pacs.searchStudies({ patientId: '1CT1' })).map((s) => s.patientId)).toEqual(['1CT1']);
    const dated = await pacs.searchStudies({ studyDate: '20040101-20041231' });
    expect(dated.map((s) => s.studyDate)).toEqual(['20040826']);
    expect(await pacs.searchStudies({ studyInstanceUid: study })).toHaveLength(1);
    expect(await pacs.searchStudies({ modality: 'CT' })).toHaveLength(2);
    expect(await pacs.searchStudies({ modality: 'MR' })).toEqual([]);
    expect(await pacs.searchStudies({ accessionNumber: 'NO-SUCH-ACC' })).toEqual([]);
    const first = await pacs.searchStudies({ limit: 1, offset: 0 });
    const second = await pacs.searchStudies({ limit: 1, offset: 1 });
    expect(first).toHaveLength(1);
    expect(second).toHaveLength(1);
    expect(new Set([first[0].studyInstanceUid, second[0].studyInstanceUid]).size).toBe(2);
    await expect(pacs.searchStudies({ studyDate: '2004-08-26' })).rejects.toMatchObject({
      code: 'PACS_ERR_BAD_ATTRIBUTE',
    });
  });

  it('QIDO-RS: searches series and lists instances (paged), ordered by InstanceNumber', async () => {
    const found = await pacs.searchSeries(study);
    expect(found).toEqual([
      {
        studyInstanceUid: study,
        seriesInstanceUid: series,
        modality: 'CT',
        seriesNumber: 2,
        seriesDescription: undefined,
        numberOfInstances: 28,
      },
    ]);
    expect(await pacs.searchSeries(study, { modality: 'MR' })).toEqual([]);
    expect(await pacs.searchSeries(study, { seriesInstanceUid: series, modality: 'CT' })).toHaveLength(1);

    const paged = new DicomWebAdapter(config({ qidoPageSize: 10 }));
    const refs = await paged.listInstances(study, series);
    await paged.close();
    expect(refs).toHaveLength(28);
    expect(refs.map((r) => r.instanceNumber)).toEqual(Array.from({ length: 28 }, (_, i) => i + 1));
    expect(new Set(refs.map((r) => r.sopInstanceUid))).toEqual(new Set(bySop.keys()));
    expect(refs[0]).toMatchObject({
      studyInstanceUid: study,
      seriesInstanceUid: series,
      sopClassUid: '1.2.840.10008.5.1.4.1.1.2',
    });
    expect(await pacs.listInstances(study, '1.2.3.4')).toEqual([]);
  });

  it('seriesFacts: one QIDO-RS instance-level request with includefield', async () => {
    expect(await pacs.seriesFacts(study, series)).toEqual({
      modality: 'CT',
      sopClassUid: '1.2.840.10008.5.1.4.1.1.2',
      seriesDescription: undefined,
      convolutionKernel: 'STD+',
      ctdiVol: undefined,
      imageType: ['ORIGINAL', 'PRIMARY', 'AXIAL', 'ADD'],
    });
    const e = await rejection(pacs.seriesFacts(study, '1.2.3.4'));
    expect(e.code).toBe('PACS_ERR_NOT_FOUND');
  });

  it('WADO-RS: streams all 28 instances, byte-identical to the source files', async () => {
    const got = await collect(pacs.retrieveSeries(study, series));
    expect(got).toHaveLength(28);
    for (const { sopInstanceUid, bytes } of got) expect(sha(bytes)).toBe(bySop.get(sopInstanceUid)?.sha);
    expect(new Set(got.map((g) => g.sopInstanceUid)).size).toBe(28);
  });

  it('WADO-RS: an unknown series is PACS_ERR_NOT_FOUND (404), not retried', async () => {
    const before = log.lines.filter((l) => l.includes('retrying')).length;
    const e = await rejection(collect(pacs.retrieveSeries(study, '1.2.3.4.5')));
    expect(e.code).toBe('PACS_ERR_NOT_FOUND');
    expect(e.details).toMatchObject({ status: 404 });
    expect(e.message).toContain('/series/1.2.3.4.5');
    expect(log.lines.filter((l) => l.includes('retrying')).length).toBe(before);
  });

  it('auth: wrong password and a bearer token (Orthanc takes only basic) are PACS_ERR_AUTH 401', async () => {
    const wrong = new DicomWebAdapter(config({ auth: { kind: 'basic', username: orthanc.username, password: 'x' } }));
    const bearer = new DicomWebAdapter(config({ auth: { kind: 'bearer', token: 'abc.def.ghi' } }));
    const none = new DicomWebAdapter(config({ auth: { kind: 'none' } }));
    try {
      for (const a of [wrong, bearer, none]) {
        const e = await rejection(a.searchStudies({ patientId: '1CT1' }));
        expect(e.code).toBe('PACS_ERR_AUTH');
        expect(e.details).toMatchObject({ status: 401 });
        expect(e.message).not.toContain('1CT1'); // the PatientID in the URL is redacted
        expect(e.details.attempts).toBeUndefined(); // not retried
      }
      expect((await rejection(collect(bearer.retrieveSeries(study, series)))).code).toBe('PACS_ERR_AUTH');
      const report = await bearer.storeInstances([readFileSync(sharedPath(HEAD, files[0]))]);
      expect(report.stored).toEqual([]);
      expect(report.failed.map((f) => f.code)).toEqual(['PACS_ERR_AUTH']);
    } finally {
      await Promise.all([wrong.close(), bearer.close(), none.close()]);
    }
  });

  it('STOW-RS: a derived series lands in the same study as a new series, pixel-identical on WADO-RS read-back', async () => {
    const sources = await Promise.all(files.slice(0, 4).map((f) => readInstanceFile(sharedPath(HEAD, f))));
    const derived = await identityDerived(sources);
    const newSeries = derived[0].seriesInstanceUid;
    const batched = new DicomWebAdapter(config({ storeBatchSize: 3 })); // two requests: 3 + 1
    const report = await batched.storeInstances(
      (async function* () {
        for (const d of derived) yield d.bytes;
      })(),
    );
    await batched.close();
    expect(report).toEqual({ stored: derived.map((d) => d.sopInstanceUid), failed: [], warnings: [] });
    expect(log.lines.filter((l) => l.includes('STOW-RS batch answered')).length).toBeGreaterThanOrEqual(2);

    const inStudy = await pacs.searchSeries(study);
    expect(inStudy).toHaveLength(2);
    expect(inStudy.find((s) => s.seriesInstanceUid === newSeries)).toMatchObject({ numberOfInstances: 4 });

    const back = await collect(pacs.retrieveSeries(study, newSeries));
    expect(back.map((b) => b.sopInstanceUid).sort()).toEqual(derived.map((d) => d.sopInstanceUid).sort());
    for (const b of back) {
      const i = derived.findIndex((d) => d.sopInstanceUid === b.sopInstanceUid);
      const original = await decodeFrame(sources[i], 0);
      const restored = await decodeFrame(parseInstance(b.bytes, b.sopInstanceUid), 0);
      if (original.kind !== 'gray' || restored.kind !== 'gray') throw new Error('expected greyscale');
      expect(Buffer.from(restored.stored.buffer).equals(Buffer.from(original.stored.buffer))).toBe(true);
    }

    // Storing the same instances again adds nothing: Orthanc keys instances by SOPInstanceUID.
    const again = await pacs.storeInstances(derived.map((d) => d.bytes));
    expect(again.failed).toEqual([]);
    expect(await pacs.listInstances(study, newSeries)).toHaveLength(4);
  });

  it('STOW-RS: Orthanc stores the good instance and answers 400; every instance is accounted for', async () => {
    const [good] = await identityDerived([await readInstanceFile(sharedPath(HEAD, files[5]))]);
    const bad = readNaturalDataset(good.bytes, 'bad');
    delete bad.StudyInstanceUID; // Orthanc refuses it: FailureReason C000 (cannot understand)
    bad.SOPInstanceUID = `${good.sopInstanceUid}.1`;
    const badBytes = encodePart10(bad, 'bad');
    const notDicom = new TextEncoder().encode('this is not a DICOM file');

    const report = await pacs.storeInstances([good.bytes, badBytes, notDicom]);
    expect(report.stored).toEqual([good.sopInstanceUid]);
    expect(report.failed).toEqual([
      expect.objectContaining({ code: 'PACS_ERR_NOT_DICOM' }), // refused here, never sent
      expect.objectContaining({ sopInstanceUid: `${good.sopInstanceUid}.1`, code: 'C000' }),
    ]);
    expect(report.failed[0].sopInstanceUid).toBeUndefined();
    expect(report.failed[0].reason).toMatch(/^not sent: instance #3: /);
    expect(report.failed[1].reason).toContain('Cannot understand');
    expect(await pacs.listInstances(study, good.seriesInstanceUid)).toHaveLength(1);
  });

  describe('through a real HTTP peer in front of Orthanc', () => {
    let peer: HttpPeer | undefined;
    afterEach(async () => {
      await peer?.close();
      peer = undefined;
    });

    it('a retrieve cut mid-body is retried and yields every instance once', async () => {
      peer = await startPeer(async (req, res, _body, n) => {
        const upstream = await fetch(`${orthanc.httpUrl}${req.url}`, {
          headers: { authorization: String(req.headers.authorization), accept: String(req.headers.accept) },
        });
        res.writeHead(upstream.status, { 'content-type': upstream.headers.get('content-type') ?? '' });
        const reader = upstream.body!.getReader();
        let sent = 0;
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          if (n === 1 && sent + value.length > 4_000_000) {
            res.write(value.subarray(0, 4_000_000 - sent), () => res.socket?.destroy());
            await reader.cancel();
            return;
          }
          res.write(value);
          sent += value.length;
        }
        res.end();
      });
      const viaPeer = new DicomWebAdapter(config({ baseUrl: `${peer.url}/dicom-web` }));
      const got = await collect(viaPeer.retrieveSeries(study, series));
      await viaPeer.close();
      expect(peer.requests).toHaveLength(2);
      expect(got).toHaveLength(28);
      expect(new Set(got.map((g) => g.sopInstanceUid)).size).toBe(28);
      for (const { sopInstanceUid, bytes } of got) expect(sha(bytes)).toBe(bySop.get(sopInstanceUid)?.sha);
    });

    it('a STOW-RS whose answer is lost is reported failed (outcome unknown), sent once, stored once', async () => {
      peer = await startPeer(async (req, res, body) => {
        await fetch(`${orthanc.httpUrl}${req.url}`, {
          method: 'POST',
          body,
          headers: {
            authorization: String(req.headers.authorization),
            'content-type': String(req.headers['content-type']),
            accept: 'application/dicom+json',
          },
        }).then((r) => r.arrayBuffer());
        res.socket?.destroy(); // Orthanc stored them; the client never hears so
      });
      const derived = await identityDerived(
        await Promise.all(files.slice(10, 13).map((f) => readInstanceFile(sharedPath(HEAD, f)))),
      );
      const viaPeer = new DicomWebAdapter(
        config({ baseUrl: `${peer.url}/dicom-web`, retries: { attempts: 5, baseDelayMs: 10, maxDelayMs: 20 } }),
      );
      const report = await viaPeer.storeInstances(derived.map((d) => d.bytes));
      await viaPeer.close();
      expect(peer.requests.filter((r) => r.method === 'POST')).toHaveLength(1);
      expect(report.stored).toEqual([]);
      expect(report.failed.map((f) => f.sopInstanceUid)).toEqual(derived.map((d) => d.sopInstanceUid));
      expect(
        report.failed.every((f) => f.code === 'PACS_ERR_UNREACHABLE' && f.reason.includes('outcome unknown')),
      ).toBe(true);
      expect(await pacs.listInstances(study, derived[0].seriesInstanceUid)).toHaveLength(3);
    });
  });

  it('never logs patient names or IDs', () => {
    const text = log.lines.join('');
    expect(text.length).toBeGreaterThan(0);
    for (const phi of ['1CT1', 'REMOVED', 'CompressedSamples', 'QMNx85rKkkg']) expect(text).not.toContain(phi);
  });
});

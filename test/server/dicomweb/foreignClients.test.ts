import { createRequire } from 'node:module';
import { api as dicomweb } from 'dicomweb-client';
import { createLogger } from '../../../common/index.js';
import {
  DicomWebAdapter,
  decodeFrame,
  derivedSeriesSpec,
  modalityValues,
  readInstanceFile,
  writeDerivedInstance,
  type DerivationInfo,
  type DerivedInstance,
} from '../../../pacs-adapters/index.js';
import { startOrthanc, type RunningOrthanc } from '../../helpers/orthanc.js';
import { sharedPath } from '../../helpers/sharedData.js';
import { first, HEAD, phiLeaks, sha, startDicomWebServer, type Dataset, type TestServer } from './dicomWebServer.js';

// dicomweb-client speaks XMLHttpRequest; Node has none, xhr2 provides one (see ../shared/STACK-NOTES.md).
const require = createRequire(import.meta.url);
(globalThis as { XMLHttpRequest?: unknown }).XMLHttpRequest = require('xhr2') as unknown;

const TOKEN = 'foreign-clients-token-5f3a9c';
const derivation: DerivationInfo = {
  method: 'identity (DICOMweb server test)',
  task: 'identity',
  packName: 'none',
  packSha256: '0'.repeat(64),
  parameters: {},
  softwareVersion: '0.1.0',
};

/** An identity "restoration" of some GE head slices: a new derived series, as a restoration job writes it. */
async function derivedSeries(slices: number[], seriesNumberOffset: number): Promise<DerivedInstance[]> {
  const sources = await Promise.all(
    slices.map((n) => readInstanceFile(sharedPath(HEAD, `${String(n).padStart(2, '0')}.dcm`))),
  );
  const spec = derivedSeriesSpec(sources[0].header, [(sources[0].header.seriesNumber ?? 0) + seriesNumberOffset]);
  return Promise.all(
    sources.map(async (src) => {
      const f = await decodeFrame(src, 0);
      if (f.kind !== 'gray') throw new Error('expected a greyscale CT');
      return writeDerivedInstance(src, { kind: 'modality', frames: [modalityValues(f, src.header)] }, derivation, spec);
    }),
  );
}

describe('foreign DICOMweb clients against our server', () => {
  let s: TestServer;
  let study = '';
  let series = '';
  const shaBySop = new Map<string, string>();

  beforeAll(async () => {
    s = await startDicomWebServer({ token: TOKEN });
    study = s.store.listStudies().find((x) => x.numberOfInstances === 28)?.studyInstanceUid ?? '';
    series = s.store.listSeries(study)[0].seriesInstanceUid;
    for (const i of s.store.listInstances(series)) shaBySop.set(i.sopInstanceUid, i.sha256);
  });
  afterAll(() => s.close());

  describe('dicomweb-client (npm) with xhr2', () => {
    type Client = InstanceType<typeof dicomweb.DICOMwebClient>;
    // Its typings mark `request` and `mediaTypes` as required; they are optional at run time.
    const opts = <K extends keyof Client>(o: object): Client[K] extends (a: infer A) => unknown ? A : never =>
      o as Client[K] extends (a: infer A) => unknown ? A : never;
    const client = (): Client =>
      new dicomweb.DICOMwebClient({ url: s.url, headers: { Authorization: `Bearer ${TOKEN}` }, singlepart: false });

    it('searches studies, series and instances', async () => {
      const c = client();
      const studies = (await c.searchForStudies()) as Dataset[];
      expect(studies).toHaveLength(3);
      const byPatient = (await c.searchForStudies({ queryParams: { PatientID: '1CT1' } })) as Dataset[];
      expect(byPatient).toHaveLength(1);
      const found = (await c.searchForSeries({ studyInstanceUID: study })) as Dataset[];
      expect(found.map((d) => first(d, '0020000E'))).toEqual([series]);
      const instances = (await c.searchForInstances({
        studyInstanceUID: study,
        seriesInstanceUID: series,
      })) as Dataset[];
      expect(instances).toHaveLength(28);
      expect(new Set(instances.map((d) => first(d, '00080018')))).toEqual(new Set(shaBySop.keys()));
    });

    it('retrieves a series and an instance byte-identical to the stored files', async () => {
      const c = client();
      const all = (await c.retrieveSeries(
        opts<'retrieveSeries'>({ studyInstanceUID: study, seriesInstanceUID: series }),
      )) as ArrayBuffer[];
      expect(all).toHaveLength(28);
      expect(new Set(all.map((b) => sha(new Uint8Array(b))))).toEqual(new Set(shaBySop.values()));
      const sop = [...shaBySop.keys()][5];
      const one = (await c.retrieveInstance(
        opts<'retrieveInstance'>({ studyInstanceUID: study, seriesInstanceUID: series, sopInstanceUID: sop }),
      )) as ArrayBuffer;
      expect(sha(new Uint8Array(one))).toBe(shaBySop.get(sop));
    });

    it('reads series metadata and frames, and stores with STOW-RS', async () => {
      const c = client();
      const meta = (await c.retrieveSeriesMetadata(
        opts<'retrieveSeriesMetadata'>({ studyInstanceUID: study, seriesInstanceUID: series }),
      )) as Dataset[];
      expect(meta).toHaveLength(28);
      const sop = first(meta[0], '00080018') as string;
      const frames = (await c.retrieveInstanceFrames(
        opts<'retrieveInstanceFrames'>({
          studyInstanceUID: study,
          seriesInstanceUID: series,
          sopInstanceUID: sop,
          frameNumbers: [1],
        }),
      )) as ArrayBuffer[];
      expect(frames).toHaveLength(1);
      expect(frames[0].byteLength).toBe(512 * 512 * 2);
      const [derived] = await derivedSeries([9], 300);
      await c.storeInstances({ datasets: [derived.bytes.buffer.slice(0) as ArrayBuffer] });
      expect(s.store.getInstance(derived.sopInstanceUid)?.sha256).toBe(sha(derived.bytes));
    });
  });

  it('our own DicomWebAdapter (pacs-adapters/dicomweb, bearer auth) round-trips with our server', async () => {
    const pacs = new DicomWebAdapter({
      baseUrl: s.url,
      auth: { kind: 'bearer', token: TOKEN },
      timeoutMs: 10_000,
      logger: createLogger('silent'),
    });
    try {
      expect((await pacs.searchStudies({ modality: 'CT' })).length).toBeGreaterThanOrEqual(3);
      expect((await pacs.searchSeries(study)).find((x) => x.seriesInstanceUid === series)).toMatchObject({
        modality: 'CT',
        seriesNumber: 2,
        numberOfInstances: 28,
      });
      expect(await pacs.listInstances(study, series)).toHaveLength(28);
      expect(await pacs.seriesFacts(study, series)).toMatchObject({ modality: 'CT', convolutionKernel: 'STD+' });
      let n = 0;
      for await (const { sopInstanceUid, bytes } of pacs.retrieveSeries(study, series)) {
        expect(sha(bytes)).toBe(shaBySop.get(sopInstanceUid));
        n++;
      }
      expect(n).toBe(28);
      const derived = await derivedSeries([10, 11], 400);
      const report = await pacs.storeInstances(derived.map((d) => d.bytes));
      expect(report.failed).toEqual([]);
      expect([...report.stored].sort()).toEqual(derived.map((d) => d.sopInstanceUid).sort());
    } finally {
      await pacs.close();
    }
  });

  describe('a real Orthanc whose DICOMweb plugin lists our server as remote "ours"', () => {
    let orthanc: RunningOrthanc;
    let derived: DerivedInstance[];

    beforeAll(async () => {
      derived = await derivedSeries([1, 2, 3, 4, 5], 100);
      const stage = await s.store.stageSeries();
      for (const d of derived) await stage.add(d.bytes, 'test:derived');
      await stage.commit();
      orthanc = await startOrthanc({
        dicomWebServers: { ours: { Url: `${s.url}/`, HttpHeaders: { Authorization: `Bearer ${TOKEN}` } } },
      });
    });
    afterAll(() => orthanc?.stop());

    const orthancFile = async (id: string): Promise<Uint8Array> => {
      const r = await fetch(`${orthanc.httpUrl}/instances/${id}/file`, {
        headers: { authorization: orthanc.authHeader },
      });
      if (!r.ok) throw new Error(`Orthanc file ${id}: HTTP ${r.status}`);
      return new Uint8Array(await r.arrayBuffer());
    };

    it('queries our server through Orthanc (QIDO-RS with Orthanc as the client)', async () => {
      // /qido answers in Orthanc's own simplified form: { tag: { Name, vr, Value: "string" } }
      const studies = await orthanc.rest<Record<string, { Name: string; Value?: unknown }>[]>(
        '/dicom-web/servers/ours/qido',
        { method: 'POST', body: JSON.stringify({ Uri: '/studies', Arguments: { ModalitiesInStudy: 'CT' } }) },
      );
      expect(studies.map((d) => d['0020000D'].Value).sort()).toEqual(
        s.store
          .listStudies()
          .map((x) => x.studyInstanceUid)
          .sort(),
      );
      const head = studies.find((d) => d['0020000D'].Value === study);
      expect(head?.['00081190'].Value).toBe(`${s.url}/studies/${study}`);
      // /get relays our DICOM JSON as is
      const [raw] = await orthanc.rest<Dataset[]>('/dicom-web/servers/ours/get', {
        method: 'POST',
        body: JSON.stringify({ Uri: '/studies', Arguments: { StudyInstanceUID: study } }),
      });
      expect(first(raw, '00201208')).toBe(28 + 1 + 2 + 5); // GE head + the derived series of these tests
      const instances = await orthanc.rest<Dataset[]>('/dicom-web/servers/ours/get', {
        method: 'POST',
        body: JSON.stringify({ Uri: `/studies/${study}/series/${derived[0].seriesInstanceUid}/instances` }),
      });
      expect(instances.map((d) => first(d, '00080018')).sort()).toEqual(derived.map((d) => d.sopInstanceUid).sort());
    });

    it('retrieves a derived series from our server into Orthanc (WADO-RS), every instance byte-identical', async () => {
      const seriesUid = derived[0].seriesInstanceUid;
      await orthanc.rest('/dicom-web/servers/ours/retrieve', {
        method: 'POST',
        body: JSON.stringify({ Resources: [{ Study: study, Series: seriesUid }], Synchronous: true }),
      });
      const [hit] = await orthanc.rest<{ ID: string; Type: string }[]>('/tools/lookup', {
        method: 'POST',
        body: seriesUid,
      });
      expect(hit.Type).toBe('Series');
      const inOrthanc = await orthanc.rest<{ Instances: string[] }>(`/series/${hit.ID}`);
      expect(inOrthanc.Instances).toHaveLength(derived.length);
      const shas = new Set(await Promise.all(inOrthanc.Instances.map(async (id) => sha(await orthancFile(id)))));
      expect(shas).toEqual(new Set(derived.map((d) => sha(d.bytes))));
      const audited = s.audit.filter((e) => e.action === 'dicomweb.retrieve' && e.seriesInstanceUid === seriesUid);
      expect(audited.some((e) => e.outcome === 'ok')).toBe(true);
    });

    it('accepts a STOW-RS from Orthanc (Orthanc as the STOW client)', async () => {
      const [extra] = await derivedSeries([20], 200);
      const id = await orthanc.upload(extra.bytes);
      await orthanc.rest('/dicom-web/servers/ours/stow', {
        method: 'POST',
        body: JSON.stringify({ Resources: [id], Synchronous: true }),
      });
      expect(s.store.getInstance(extra.sopInstanceUid)?.sha256).toBe(sha(extra.bytes));
    });
  });

  it('audits the foreign clients’ requests with UIDs only, and logs no patient data', () => {
    expect(s.audit.filter((e) => e.action === 'dicomweb.store' && e.outcome === 'ok').length).toBeGreaterThanOrEqual(4);
    expect(phiLeaks(s)).toEqual([]);
  });
});

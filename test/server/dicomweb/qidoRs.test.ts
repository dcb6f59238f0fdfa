import { json, first, phiLeaks, rawGet, startDicomWebServer, type Dataset, type TestServer } from './dicomWebServer.js';

/** QIDO-RS over a LocalStore holding the GE head series (28) and three WG04 slices in two more studies. */
describe('QIDO-RS (server/dicomweb)', () => {
  let s: TestServer;
  let headStudy = '';
  let headSeries = '';
  let ct1Study = '';
  let ct2Study = '';
  const get = (path: string, headers: Record<string, string> = {}): Promise<Response> =>
    fetch(`${s.url}${path}`, { headers });
  const search = async (path: string): Promise<Dataset[]> => {
    const r = await get(path);
    if (r.status !== 200) throw new Error(`${path}: HTTP ${r.status} ${await r.text()}`);
    return json<Dataset[]>(r);
  };
  const uids = (list: Dataset[], tag: string): unknown[] => list.map((d) => first(d, tag));

  beforeAll(async () => {
    s = await startDicomWebServer();
    for (const st of s.store.listStudies()) {
      if (st.numberOfInstances === 28) headStudy = st.studyInstanceUid;
      else if (st.patientId === '1CT1') ct1Study = st.studyInstanceUid;
      else ct2Study = st.studyInstanceUid;
    }
    headSeries = s.store.listSeries(headStudy)[0].seriesInstanceUid;
  });
  afterAll(() => s.close());

  describe('studies', () => {
    it('answers DICOM JSON with the required study attributes (PS3.18 Table 10.6.3-3)', async () => {
      const r = await get('/studies');
      expect(r.status).toBe(200);
      expect(r.headers.get('content-type')).toMatch(/^application\/dicom\+json/);
      const studies = await json<Dataset[]>(r);
      expect(studies).toHaveLength(3);
      const head = studies.find((d) => first(d, '0020000D') === headStudy) as Dataset;
      for (const tag of [
        '00080020',
        '00080030',
        '00080050',
        '00080056',
        '00080061',
        '00080090',
        '00081190',
        '00100010',
        '00100020',
        '00100030',
        '00100040',
        '0020000D',
        '00200010',
        '00201206',
        '00201208',
      ]) {
        expect([tag, head[tag] !== undefined]).toEqual([tag, true]);
      }
      expect(head['00201208']).toEqual({ vr: 'IS', Value: [28] });
      expect(head['00201206']).toEqual({ vr: 'IS', Value: [1] });
      expect(head['00080061']).toEqual({ vr: 'CS', Value: ['CT'] });
      expect(head['00081190']).toEqual({ vr: 'UR', Value: [`${s.url}/studies/${headStudy}`] });
      expect(head['00100010']).toEqual({ vr: 'PN', Value: [{ Alphabetic: 'REMOVED' }] });
      expect(head['00080050']).toEqual({ vr: 'SH' }); // present, empty (Type 2)
      expect(head['00081030']).toBeUndefined(); // StudyDescription only with includefield
      expect(Object.keys(head)).toEqual([...Object.keys(head)].sort());
    });

    it('matches PatientID by keyword and by tag, exactly', async () => {
      expect(uids(await search('/studies?PatientID=1CT1'), '0020000D')).toEqual([ct1Study]);
      expect(uids(await search('/studies?00100020=1CT1'), '0020000D')).toEqual([ct1Study]);
      expect(uids(await search(`/studies?0020000d=${ct1Study}`), '0020000D')).toEqual([ct1Study]);
      expect(await search('/studies?PatientID=1CT')).toEqual([]);
    });

    it('matches PatientName with wildcards, case-insensitively; exact values case-sensitively', async () => {
      expect((await search('/studies?PatientName=compressed*')).length).toBe(2);
      expect(uids(await search('/studies?PatientName=CompressedSamples%5ECT%3F'), '0020000D').sort()).toEqual(
        [ct1Study, ct2Study].sort(),
      );
      expect(uids(await search('/studies?PatientName=CompressedSamples%5ECT1'), '0020000D')).toEqual([ct1Study]);
      expect(await search('/studies?PatientName=compressedsamples%5Ect1')).toEqual([]);
      expect((await search('/studies?PatientName=*')).length).toBe(3); // universal
    });

    it('matches StudyDate days and ranges', async () => {
      expect((await search('/studies?StudyDate=20040826')).length).toBe(2);
      expect((await search('/studies?StudyDate=20040101-20041231')).length).toBe(2);
      expect((await search('/studies?StudyDate=20040827-')).length).toBe(0);
      expect((await search('/studies?StudyDate=-20040826')).length).toBe(2);
    });

    it('matches StudyInstanceUID lists (comma-separated or repeated), ModalitiesInStudy, StudyTime', async () => {
      expect((await search(`/studies?StudyInstanceUID=${headStudy},${ct1Study}`)).length).toBe(2);
      expect((await search(`/studies?StudyInstanceUID=${headStudy}&StudyInstanceUID=${ct2Study}`)).length).toBe(2);
      expect((await search('/studies?ModalitiesInStudy=CT')).length).toBe(3);
      expect((await search('/studies?ModalitiesInStudy=MR')).length).toBe(0);
      expect((await search('/studies?ModalitiesInStudy=C%3F')).length).toBe(3);
      const byTime = await search('/studies?StudyTime=1850-1851&PatientID=1CT1');
      expect(uids(byTime, '0020000D')).toEqual([ct1Study]);
    });

    it('pages with limit and offset, in the store path and the in-memory path alike', async () => {
      const all = uids(await search('/studies'), '0020000D');
      expect(uids(await search('/studies?limit=1&offset=1'), '0020000D')).toEqual([all[1]]);
      expect(uids(await search('/studies?limit=2'), '0020000D')).toEqual(all.slice(0, 2));
      expect(await search('/studies?offset=3')).toEqual([]);
      const dated = uids(await search('/studies?StudyTime=000000-235959'), '0020000D');
      expect(uids(await search('/studies?StudyTime=000000-235959&limit=1&offset=1'), '0020000D')).toEqual([dated[1]]);
    });

    it('returns includefield attributes: indexed ones, all, and others read from a stored file', async () => {
      const [withDesc] = await search(`/studies?StudyInstanceUID=${headStudy}&includefield=StudyDescription`);
      expect(withDesc['00081030']).toEqual({ vr: 'LO', Value: ['HEAD'] });
      const [all] = await search(`/studies?StudyInstanceUID=${headStudy}&includefield=all`);
      expect(all['00081030']).toBeDefined();
      const [fromFile] = await search(`/studies?StudyInstanceUID=${headStudy}&includefield=00180050,Manufacturer`);
      expect(fromFile['00180050']).toEqual({ vr: 'DS', Value: [4] });
      expect(fromFile['00080070']).toEqual({ vr: 'LO', Value: ['GE MEDICAL SYSTEMS'] });
    });

    it('answers fuzzymatching=true with literal matching and a Warning header', async () => {
      const r = await get('/studies?fuzzymatching=true&PatientID=1CT1');
      expect(r.status).toBe(200);
      expect(r.headers.get('warning')).toMatch(/^299 .*fuzzymatching parameter is not supported/);
      expect((await json<Dataset[]>(r)).length).toBe(1);
      expect((await get('/studies?fuzzymatching=false')).headers.get('warning')).toBeNull();
    });

    it('refuses invalid parameters with 400 JSON naming the parameter, never a 500', async () => {
      const cases: [string, string][] = [
        ['/studies?limit=-1', 'limit'],
        ['/studies?limit=abc', 'limit'],
        ['/studies?limit=0', 'limit'],
        ['/studies?offset=1.5', 'offset'],
        ['/studies?fuzzymatching=maybe', 'fuzzymatching'],
        ['/studies?Foo=1', 'Foo'],
        ['/studies?Modality=CT', 'Modality'],
        ['/studies?SliceThickness=4', 'SliceThickness'],
        ['/studies?includefield=NotAKeyword', 'includefield'],
        ['/studies?StudyInstanceUID=1.2.abc', 'StudyInstanceUID'],
        ['/studies?StudyInstanceUID=..%2F..%2Fetc', 'StudyInstanceUID'],
        ['/studies?StudyDate=2004', 'StudyDate'],
        ['/studies?StudyDate=20040101-20041231-1', 'StudyDate'],
        ['/studies?StudyTime=25x', 'StudyTime'],
        ['/studies?PatientID=a&PatientID=b', 'PatientID'],
        ['/studies?00400275.00080050=x', '00400275.00080050'],
        ['/series?SeriesNumber=two', 'SeriesNumber'],
        [`/studies/${headStudy}/series?PatientID=x`, 'PatientID'],
      ];
      for (const [path, field] of cases) {
        const r = await get(path);
        const body = await json<{ code: string; message: string; details: { field?: string } }>(r);
        expect([path, r.status, body.code, body.details.field]).toEqual([path, 400, 'SRV_ERR_BAD_REQUEST', field]);
        expect(body.message.length).toBeGreaterThan(10);
      }
    });

    it('accepts a root joined with a doubled slash ("//studies")', async () => {
      const r = await fetch(`${s.url}//studies?limit=1`);
      expect(r.status).toBe(200);
      expect(await json<Dataset[]>(r)).toHaveLength(1);
    });

    it('negotiates the media type: 406 for XML only, application/json when only that is accepted', async () => {
      const xml = await get('/studies', { accept: 'multipart/related; type="application/dicom+xml"' });
      expect(xml.status).toBe(406);
      expect((await json<{ code: string }>(xml)).code).toBe('SRV_ERR_NOT_ACCEPTABLE');
      const plain = await get('/studies', { accept: 'application/json' });
      expect(plain.status).toBe(200);
      expect(plain.headers.get('content-type')).toMatch(/^application\/json/);
      const weighted = await get('/studies', { accept: 'text/html;q=0.9, application/dicom+json;q=0.8' });
      expect(weighted.status).toBe(200);
    });
  });

  describe('series', () => {
    it('lists the series of a study with the required series attributes (Table 10.6.3-4)', async () => {
      const [series] = await search(`/studies/${headStudy}/series`);
      expect(first(series, '0020000E')).toBe(headSeries);
      expect(first(series, '0020000D')).toBe(headStudy);
      expect(series['00080060']).toEqual({ vr: 'CS', Value: ['CT'] });
      expect(series['00201209']).toEqual({ vr: 'IS', Value: [28] });
      expect(series['00200011']).toBeDefined();
      expect(series['0008103E']).toBeDefined();
      expect(series['00081190']).toEqual({ vr: 'UR', Value: [`${s.url}/studies/${headStudy}/series/${headSeries}`] });
      expect(series['00100020']).toBeUndefined(); // study attributes only for All Series
    });

    it('answers [] for an unknown study, 400 for a path UID that is not a UID', async () => {
      expect(await search('/studies/1.2.3.4/series')).toEqual([]);
      for (const bad of ['..%2F..%2Fetc', '%2e%2e', '..', '1.2.3%2F..', 'abc', '1.2.3%00']) {
        const r = await rawGet(s.url, `/studies/${bad}/series`);
        const code = (JSON.parse(r.body) as { code: string }).code;
        expect([bad, r.status, code]).toEqual([bad, 400, 'SRV_ERR_BAD_REQUEST']);
      }
    });

    it('searches all series with study attributes and study-level keys', async () => {
      const all = await search('/series');
      expect(all).toHaveLength(3);
      expect(all.every((d) => d['00100020'] !== undefined && d['00201208'] !== undefined)).toBe(true);
      expect(uids(await search('/series?PatientID=1CT1'), '0020000D')).toEqual([ct1Study]);
      expect(uids(await search(`/series?SeriesInstanceUID=${headSeries}`), '0020000E')).toEqual([headSeries]);
      expect((await search('/series?Modality=CT&limit=2')).length).toBe(2);
      expect((await search('/series?Modality=MR')).length).toBe(0);
    });
  });

  describe('instances', () => {
    it('lists the instances of a series in InstanceNumber order with Table 10.6.3-5 attributes', async () => {
      const list = await search(`/studies/${headStudy}/series/${headSeries}/instances`);
      expect(list).toHaveLength(28);
      expect(uids(list, '00200013')).toEqual(Array.from({ length: 28 }, (_, i) => i + 1));
      const one = list[0];
      expect(first(one, '00080016')).toBe('1.2.840.10008.5.1.4.1.1.2');
      expect(one['00280010']).toEqual({ vr: 'US', Value: [512] });
      expect(one['00280011']).toEqual({ vr: 'US', Value: [512] });
      expect(first(one, '0020000D')).toBe(headStudy);
      expect(first(one, '0020000E')).toBe(headSeries);
      expect(first(one, '00081190')).toBe(
        `${s.url}/studies/${headStudy}/series/${headSeries}/instances/${first(one, '00080018') as string}`,
      );
      const page = await search(`/studies/${headStudy}/series/${headSeries}/instances?limit=5&offset=10`);
      expect(uids(page, '00200013')).toEqual([11, 12, 13, 14, 15]);
    });

    it('searches a study’s instances and all instances with their parents’ attributes', async () => {
      const ofStudy = await search(`/studies/${headStudy}/instances`);
      expect(ofStudy).toHaveLength(28);
      expect(first(ofStudy[0], '00080060')).toBe('CT');
      const all = await search('/instances');
      expect(all).toHaveLength(31);
      expect(all.every((d) => d['00100020'] !== undefined)).toBe(true);
      const sop = first(all[30], '00080018') as string;
      expect(uids(await search(`/instances?SOPInstanceUID=${sop}`), '00080018')).toEqual([sop]);
      expect((await search('/instances?SOPClassUID=1.2.840.10008.5.1.4.1.1.2')).length).toBe(31);
      expect((await search(`/instances?StudyInstanceUID=${headStudy}&InstanceNumber=3`)).length).toBe(1);
      expect((await search('/instances?PatientID=1CT1')).length).toBe(2);
    });

    it('includes BitsAllocated (from the file) and AvailableTransferSyntaxUID on request', async () => {
      const [one] = await search(`/instances?StudyInstanceUID=${ct1Study}&includefield=BitsAllocated,00083002&limit=1`);
      expect(one['00280100']).toEqual({ vr: 'US', Value: [16] });
      expect(['1.2.840.10008.1.2.1', '1.2.840.10008.1.2.4.90']).toContain(first(one, '00083002'));
    });
  });

  it('audits every search with UIDs only, and logs no patient data', async () => {
    const searches = s.audit.filter((e) => e.action === 'dicomweb.search');
    expect(searches.length).toBeGreaterThan(30);
    expect(searches.every((e) => e.actor.startsWith('test@'))).toBe(true);
    expect(searches.some((e) => e.outcome === 'error')).toBe(true);
    expect(searches.some((e) => e.outcome === 'ok' && e.studyInstanceUid === headStudy)).toBe(true);
    expect(phiLeaks(s)).toEqual([]);
  });
});

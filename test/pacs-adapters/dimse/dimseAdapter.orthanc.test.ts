import { readFileSync } from 'node:fs';
import { createLogger } from '../../../common/index.js';
import { PacsError, parseInstance, type RetrievedInstance } from '../../../pacs-adapters/index.js';
import {
  DimseAdapter,
  readPart10Meta,
  startStoreScp,
  type DimseConfig,
  type RunningStoreScp,
} from '../../../pacs-adapters/dimse/index.js';
import { freePort, startOrthanc, type RunningOrthanc } from '../../helpers/orthanc.js';
import { sharedPath } from '../../helpers/sharedData.js';
import { bySopInstanceUid, flakyProxy, headCtFiles, identitySeries, runTool, storedValues } from './helpers.js';

/**
 * DimseAdapter against a real Orthanc 1.10 loaded with the 28-slice head CT. Orthanc knows our AE titles:
 * GSDIFF (our SCU, and the adapter's C-MOVE SCP on movePort) and GSDIFFRX (a standalone SCP for dcmtk movescu).
 */
describe('DimseAdapter against Orthanc', () => {
  const logger = createLogger('silent');
  const files = headCtFiles();
  const sources = bySopInstanceUid(files);
  let orthanc: RunningOrthanc;
  let movePort: number;
  let rxPort: number;
  let studyUid: string;
  let seriesUid: string;
  const adapters: DimseAdapter[] = [];

  const adapter = (over: Partial<DimseConfig> = {}): DimseAdapter => {
    const a = new DimseAdapter({
      callingAet: 'GSDIFF',
      peer: { aet: orthanc.aet, host: '127.0.0.1', port: orthanc.dicomPort },
      associationTimeoutMs: 5000,
      dimseTimeoutMs: 10_000,
      retries: { attempts: 3, baseDelayMs: 20, maxDelayMs: 100 },
      logger,
      ...over,
    });
    adapters.push(a);
    return a;
  };

  /** Every instance of a retrieve, checking no SOP Instance UID comes twice. */
  const collect = async (it: AsyncIterable<RetrievedInstance>): Promise<Map<string, Uint8Array>> => {
    const got = new Map<string, Uint8Array>();
    for await (const { sopInstanceUid, bytes } of it) {
      expect(got.has(sopInstanceUid)).toBe(false);
      got.set(sopInstanceUid, bytes);
    }
    return got;
  };

  const expectPixelIdentical = async (got: Map<string, Uint8Array>, expected: Map<string, Uint8Array>) => {
    expect([...got.keys()].sort()).toEqual([...expected.keys()].sort());
    for (const [uid, bytes] of got) {
      const want = expected.get(uid) as Uint8Array;
      expect((await storedValues(bytes, uid)).equals(await storedValues(want, uid))).toBe(true);
    }
  };

  const orthancSeriesOfStudy = async (): Promise<
    { ID: string; MainDicomTags: Record<string, string>; Instances: string[] }[]
  > => {
    const [study] = await orthanc.rest<string[]>('/studies');
    return orthanc.rest(`/studies/${study}/series`);
  };

  beforeAll(async () => {
    movePort = await freePort();
    rxPort = await freePort();
    orthanc = await startOrthanc({
      modalities: {
        gsdiff: ['GSDIFF', '127.0.0.1', movePort],
        rx: ['GSDIFFRX', '127.0.0.1', rxPort],
        dcmtk: ['DCMTK', '127.0.0.1', 1],
      },
    });
    for (const f of files) await orthanc.upload(readFileSync(f));
    const first = parseInstance(sources.values().next().value as Uint8Array, 'first');
    studyUid = first.header.studyInstanceUid;
    seriesUid = first.header.seriesInstanceUid;
  });

  afterAll(async () => {
    for (const a of adapters) await a.close();
    await orthanc?.stop();
  });

  it('C-ECHO', async () => {
    const r = await adapter().echo();
    expect(r.roundTripMs).toBeGreaterThanOrEqual(0);
  });

  it('C-FIND STUDY with filters, sorted and paged', async () => {
    const a = adapter();
    const [study, ...rest] = await a.searchStudies();
    expect(rest).toEqual([]);
    expect(study).toMatchObject({
      studyInstanceUid: studyUid,
      patientId: 'QMNx85rKkkg',
      studyDescription: 'HEAD',
      modalities: ['CT'],
      numberOfSeries: 1,
      numberOfInstances: 28,
    });
    expect(await a.searchStudies({ modality: 'CT' })).toHaveLength(1);
    expect(await a.searchStudies({ modality: 'MR' })).toEqual([]);
    expect(await a.searchStudies({ patientId: 'QMNx85*' })).toHaveLength(1);
    expect(await a.searchStudies({ patientId: 'NOBODY*' })).toEqual([]);
    expect(await a.searchStudies({ studyInstanceUid: studyUid })).toHaveLength(1);
    expect(await a.searchStudies({ studyInstanceUid: '1.2.3' })).toEqual([]);
    // The study has no StudyDate: a range does not match it.
    expect(await a.searchStudies({ studyDate: '20000101-20301231' })).toEqual([]);
    expect(await a.searchStudies({ offset: 1 })).toEqual([]);
    await expect(a.searchStudies({ studyDate: '2024-01-01' })).rejects.toMatchObject({
      code: 'PACS_ERR_BAD_ATTRIBUTE',
    });
    await expect(a.searchStudies({ patientId: 'A\\B' })).rejects.toMatchObject({ code: 'PACS_ERR_BAD_ATTRIBUTE' });
  });

  it('C-FIND SERIES and IMAGE', async () => {
    const a = adapter();
    expect(await a.searchSeries(studyUid)).toEqual([
      {
        studyInstanceUid: studyUid,
        seriesInstanceUid: seriesUid,
        modality: 'CT',
        seriesNumber: 2,
        seriesDescription: undefined,
        numberOfInstances: 28,
      },
    ]);
    expect(await a.searchSeries(studyUid, { modality: 'MR' })).toEqual([]);
    expect(await a.searchSeries(studyUid, { seriesInstanceUid: seriesUid })).toHaveLength(1);
    const instances = await a.listInstances(studyUid, seriesUid);
    expect(instances.map((i) => i.instanceNumber)).toEqual(Array.from({ length: 28 }, (_, i) => i + 1));
    expect(new Set(instances.map((i) => i.sopInstanceUid))).toEqual(new Set(sources.keys()));
    expect(instances.every((i) => i.sopClassUid === '1.2.840.10008.5.1.4.1.1.2')).toBe(true);
    expect(await a.listInstances(studyUid, '1.2.3.4')).toEqual([]);
  });

  it('more matches than maxFindResults: C-FIND fails typed; a retrieve still works (library contexts)', async () => {
    const a = adapter({ maxFindResults: 5 });
    await expect(a.listInstances(studyUid, seriesUid)).rejects.toMatchObject({
      code: 'PACS_ERR_DIMSE_TOO_MANY_MATCHES',
      details: { maxFindResults: 5 },
    });
    expect((await collect(a.retrieveSeries(studyUid, seriesUid))).size).toBe(28);
  });

  it('seriesFacts: what Orthanc 1.10 returns at IMAGE level for the first instance', async () => {
    const facts = await adapter().seriesFacts(studyUid, seriesUid);
    expect(facts).toEqual({
      modality: 'CT',
      sopClassUid: '1.2.840.10008.5.1.4.1.1.2',
      seriesDescription: undefined, // empty in the source
      convolutionKernel: 'STD+',
      ctdiVol: undefined, // absent in the source; Orthanc answers it empty
      imageType: ['ORIGINAL', 'PRIMARY', 'AXIAL', 'ADD'],
    });
    await expect(adapter().seriesFacts(studyUid, '1.2.3.4')).rejects.toMatchObject({ code: 'PACS_ERR_NOT_FOUND' });
  });

  it('retrieveSeries over C-GET: all 28 instances, each pixel-identical to its source', async () => {
    const got = await collect(adapter({ retrieveBufferSize: 1 }).retrieveSeries(studyUid, seriesUid));
    expect(got.size).toBe(28);
    await expectPixelIdentical(got, sources);
  });

  it('retrieveSeries: a consumer that stops early aborts, and the next retrieve works', async () => {
    const a = adapter();
    let n = 0;
    for await (const _ of a.retrieveSeries(studyUid, seriesUid)) {
      if (++n === 3) break;
    }
    expect(n).toBe(3);
    expect((await collect(a.retrieveSeries(studyUid, seriesUid))).size).toBe(28);
  });

  it('retrieveSeries holds the peer back while the consumer is busy (bounded memory)', async () => {
    const proxy = await flakyProxy(orthanc.dicomPort, Number.POSITIVE_INFINITY, 'down');
    try {
      const a = adapter({ peer: { aet: orthanc.aet, host: '127.0.0.1', port: proxy.port }, retrieveBufferSize: 1 });
      const it = a.retrieveSeries(studyUid, seriesUid)[Symbol.asyncIterator]();
      expect((await it.next()).done).toBe(false);
      await new Promise((r) => setTimeout(r, 400));
      // One instance consumed, one buffered, one waiting for its C-STORE response: about 3 x 0.5 MB of 14.7 MB.
      expect(proxy.bytesDown()).toBeLessThan(4 * 530_000);
      let n = 1;
      while (!(await it.next()).done) n++;
      expect(n).toBe(28);
    } finally {
      await proxy.close();
    }
  });

  it('retrieveSeries of a series Orthanc does not have: Orthanc answers 0xC000, a typed status error', async () => {
    await expect(collect(adapter().retrieveSeries(studyUid, '1.2.3.4'))).rejects.toMatchObject({
      code: 'PACS_ERR_DIMSE_STATUS',
      details: { status: '0xC000', completed: 0 },
    });
  });

  it('close() stops a retrieve in flight with PACS_ERR_CLOSED', async () => {
    const a = adapter({ retrieveBufferSize: 1 });
    const it = a.retrieveSeries(studyUid, seriesUid)[Symbol.asyncIterator]();
    await it.next();
    await a.close();
    await expect(
      (async () => {
        while (!(await it.next()).done);
      })(),
    ).rejects.toMatchObject({ code: 'PACS_ERR_CLOSED' });
  });

  it('retrieveSeries over C-MOVE to the adapter’s own SCP', async () => {
    const a = adapter({ retrieve: { mode: 'move', destinationAet: 'GSDIFF', port: movePort } });
    const got = await collect(a.retrieveSeries(studyUid, seriesUid));
    expect(got.size).toBe(28);
    await expectPixelIdentical(got, sources);
    await a.close();
  });

  it('C-MOVE to an AE title Orthanc does not know: typed status error (Orthanc 1.10 says 0xC000, not 0xA801)', async () => {
    const a = adapter({ retrieve: { mode: 'move', destinationAet: 'NOBODY', port: await freePort() } });
    const run = collect(a.retrieveSeries(studyUid, seriesUid));
    await expect(run).rejects.toMatchObject({ code: 'PACS_ERR_DIMSE_STATUS', details: { status: '0xC000' } });
    await a.close();
  });

  it('retrieveSeries survives a connection cut mid-transfer without yielding an instance twice', async () => {
    const proxy = await flakyProxy(orthanc.dicomPort, 3_000_000, 'down');
    try {
      const a = adapter({ peer: { aet: orthanc.aet, host: '127.0.0.1', port: proxy.port } });
      const got = await collect(a.retrieveSeries(studyUid, seriesUid));
      expect(proxy.cuts()).toBe(1);
      expect(proxy.connections()).toBe(3); // C-FIND (SOP classes), the C-GET cut, the C-GET retried
      expect(got.size).toBe(28);
      await expectPixelIdentical(got, sources);
    } finally {
      await proxy.close();
    }
  });

  it('storeInstances: a derived series lands in the same study as a new series and reads back pixel-identical', async () => {
    const derived = await identitySeries(files.slice(0, 3));
    const a = adapter();
    const report = await a.storeInstances(derived.instances);
    const sops = derived.instances.map((b) => parseInstance(b, 'derived').header.sopInstanceUid);
    expect(report).toEqual({ stored: sops, failed: [], warnings: [] });

    const series = await orthancSeriesOfStudy();
    const added = series.find((s) => s.MainDicomTags.SeriesInstanceUID === derived.seriesInstanceUid);
    expect(series).toHaveLength(2);
    expect(added?.Instances).toHaveLength(3);

    const back = await collect(a.retrieveSeries(studyUid, derived.seriesInstanceUid));
    const expected = new Map(sops.map((uid, i) => [uid, derived.instances[i]]));
    await expectPixelIdentical(back, expected);

    // Storing the same instances again (a caller's retry) adds nothing.
    expect((await a.storeInstances(derived.instances)).stored).toHaveLength(3);
    expect((await orthanc.rest<{ CountInstances: number }>('/statistics')).CountInstances).toBe(31);
  });

  it('storeInstances: a connection cut mid-batch is retried without duplicating instances', async () => {
    const derived = await identitySeries(files.slice(3, 9));
    const before = (await orthanc.rest<{ CountInstances: number }>('/statistics')).CountInstances;
    const proxy = await flakyProxy(orthanc.dicomPort, 1_300_000, 'up');
    try {
      const a = adapter({ peer: { aet: orthanc.aet, host: '127.0.0.1', port: proxy.port } });
      const report = await a.storeInstances(derived.instances);
      expect(proxy.cuts()).toBe(1);
      expect(proxy.connections()).toBe(2);
      expect(report.failed).toEqual([]);
      expect(new Set(report.stored).size).toBe(6);
      const after = (await orthanc.rest<{ CountInstances: number }>('/statistics')).CountInstances;
      expect(after - before).toBe(6);
      const added = (await orthancSeriesOfStudy()).find(
        (s) => s.MainDicomTags.SeriesInstanceUID === derived.seriesInstanceUid,
      );
      expect(added?.Instances).toHaveLength(6);
    } finally {
      await proxy.close();
    }
  });

  it('dcmtk movescu makes Orthanc C-MOVE the series to our standalone SCP', async () => {
    const received = new Map<string, Uint8Array>();
    const callers = new Set<string>();
    const scp: RunningStoreScp = await startStoreScp({
      aet: 'GSDIFFRX',
      port: rxPort,
      logger,
      onInstance: (bytes, callingAet, info) => {
        callers.add(callingAet);
        received.set(info.sopInstanceUid, bytes);
      },
    });
    try {
      const r = await runTool('movescu', [
        '-S',
        '-aet',
        'DCMTK',
        '-aec',
        orthanc.aet,
        '-aem',
        'GSDIFFRX',
        '-k',
        'QueryRetrieveLevel=SERIES',
        '-k',
        `StudyInstanceUID=${studyUid}`,
        '-k',
        `SeriesInstanceUID=${seriesUid}`,
        '127.0.0.1',
        String(orthanc.dicomPort),
      ]);
      expect(r.code).toBe(0);
      expect(received.size).toBe(28);
      expect([...callers]).toEqual([orthanc.aet]);
      await expectPixelIdentical(received, sources);
    } finally {
      await scp.stop();
    }
  });

  it('C-GET brings JPEG 2000 and RLE instances in their own syntax (Orthanc 1.10 cannot transcode JPEG 2000)', async () => {
    const a = adapter();
    for (const name of ['CT1_J2KR', 'CT1_RLE']) {
      const source = new Uint8Array(readFileSync(sharedPath('ct-wg04-compressed', name)));
      await orthanc.upload(source);
      const h = parseInstance(source, name).header;
      const got = await collect(a.retrieveSeries(h.studyInstanceUid, h.seriesInstanceUid));
      expect(got.size).toBe(1);
      const bytes = got.get(h.sopInstanceUid) as Uint8Array;
      expect(readPart10Meta(bytes, name).transferSyntaxUid).toBe(readPart10Meta(source, name).transferSyntaxUid);
      expect((await storedValues(bytes, name)).equals(await storedValues(source, name))).toBe(true);
    }
  });

  it('after close(), operations fail with PACS_ERR_CLOSED', async () => {
    const a = adapter();
    await a.close();
    const e = await a.echo().catch((x: unknown) => x);
    expect(e).toBeInstanceOf(PacsError);
    expect((e as PacsError).code).toBe('PACS_ERR_CLOSED');
  });
});

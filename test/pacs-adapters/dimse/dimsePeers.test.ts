import { readFileSync } from 'node:fs';
import { createLogger } from '../../../common/index.js';
import { PacsError, parseInstance, pacsError } from '../../../pacs-adapters/index.js';
import {
  DimseAdapter,
  readPart10Meta,
  startStoreScp,
  type DimseConfig,
  type ReceivedInstanceInfo,
  type RunningStoreScp,
  type StoreScpHandler,
} from '../../../pacs-adapters/dimse/index.js';
import { freePort } from '../../helpers/orthanc.js';
import { sharedPath } from '../../helpers/sharedData.js';
import {
  attributes,
  headCtFiles,
  identitySeries,
  runTool,
  silentServer,
  startStorescp,
  storedValues,
  timed,
} from './helpers.js';

/** The data set of a Part 10 file (what travels in a C-STORE), for byte-for-byte comparisons. */
const dataset = (bytes: Uint8Array): Buffer => {
  const meta = readPart10Meta(bytes, 'test');
  return Buffer.from(bytes.subarray(meta.datasetOffset));
};
const sopOf = (bytes: Uint8Array): string => readPart10Meta(bytes, 'test').sopInstanceUid;

/** Our SCU and SCP against each other and against dcmtk peers (storescu, storescp, echoscu, findscu). */
describe('DIMSE peers', () => {
  const logger = createLogger('silent');
  const head = headCtFiles()
    .slice(0, 3)
    .map((f) => new Uint8Array(readFileSync(f)));
  const compressed = ['CT1_J2KR', 'CT1_RLE'].map(
    (f) => new Uint8Array(readFileSync(sharedPath('ct-wg04-compressed', f))),
  );
  const adapters: DimseAdapter[] = [];
  const scps: RunningStoreScp[] = [];

  const adapter = (peer: DimseConfig['peer'], over: Partial<DimseConfig> = {}): DimseAdapter => {
    const a = new DimseAdapter({
      callingAet: 'GSDIFF',
      peer,
      associationTimeoutMs: 3000,
      dimseTimeoutMs: 5000,
      retries: { attempts: 2, baseDelayMs: 10, maxDelayMs: 20 },
      logger,
      ...over,
    });
    adapters.push(a);
    return a;
  };

  const scp = async (onInstance: StoreScpHandler, over: Partial<Parameters<typeof startStoreScp>[0]> = {}) => {
    const s = await startStoreScp({ aet: 'GSDIFF-SCP', port: 0, onInstance, logger, ...over });
    scps.push(s);
    return s;
  };

  afterAll(async () => {
    for (const a of adapters) await a.close();
    for (const s of scps) await s.stop();
  });

  it('our SCP receives from dcmtk storescu, uncompressed and compressed (kept in their syntax)', async () => {
    const got = new Map<string, { bytes: Uint8Array; info: ReceivedInstanceInfo }>();
    const s = await scp((bytes, _from, info) => {
      got.set(info.sopInstanceUid, { bytes, info });
    });
    const to = ['-aet', 'DCMTK', '-aec', s.aet, '127.0.0.1', String(s.port)];
    // storescu proposes one transfer syntax family per run: uncompressed (default), JPEG 2000 lossless, RLE.
    for (const [options, paths] of [
      [[], headCtFiles().slice(0, 3)],
      [['-xv'], [sharedPath('ct-wg04-compressed', 'CT1_J2KR')]],
      [['-xr'], [sharedPath('ct-wg04-compressed', 'CT1_RLE')]],
    ] as const) {
      const r = await runTool('storescu', [...options, ...to, ...paths]);
      expect(r.code).toBe(0);
    }
    expect(got.size).toBe(5);
    // A sender that aborts (storescu cannot offer JPEG 2000 in an uncompressed-only proposal) is let go at once:
    // dcmtk waits for the peer to close the connection after its A-ABORT.
    const aborted = await timed(() => runTool('storescu', [...to, sharedPath('ct-wg04-compressed', 'CT1_J2KR')], 8000));
    expect(aborted.value?.code).not.toBeNull();
    expect(aborted.ms).toBeLessThan(4000);
    for (const source of [...head, ...compressed]) {
      const received = got.get(sopOf(source));
      expect(received?.info.callingAet).toBe('DCMTK');
      expect(received?.info.transferSyntaxUid).toBe(readPart10Meta(source, 'src').transferSyntaxUid);
      // dcmtk re-encodes what it sends (e.g. sequence lengths), so compare decoded pixels; the framed file is a
      // valid Part 10 instance the module reads.
      expect(parseInstance(received!.bytes, 'received').header.sopInstanceUid).toBe(sopOf(source));
      expect((await storedValues(received!.bytes, 'received')).equals(await storedValues(source, 'source'))).toBe(true);
    }
  });

  it('our SCP answers dcmtk echoscu, rejects a wrong called AE title, refuses C-FIND', async () => {
    const s = await scp(() => undefined);
    const ok = await runTool('echoscu', ['-aet', 'DCMTK', '-aec', s.aet, '127.0.0.1', String(s.port)]);
    expect(ok.code).toBe(0);
    const wrong = await runTool('echoscu', ['-aet', 'DCMTK', '-aec', 'SOMEONE', '127.0.0.1', String(s.port)]);
    expect(wrong.code).not.toBe(0);
    expect(wrong.output).toMatch(/Called AE Title Not Recognized/i);
    const find = await runTool('findscu', [
      '-S',
      '-aet',
      'DCMTK',
      '-aec',
      s.aet,
      '-k',
      'QueryRetrieveLevel=STUDY',
      '127.0.0.1',
      String(s.port),
    ]);
    expect(find.code).not.toBe(0);
    expect(find.output).toMatch(/No Acceptable Presentation Contexts/i);
    // Still serving.
    expect((await runTool('echoscu', ['-aec', s.aet, '127.0.0.1', String(s.port)])).code).toBe(0);
  });

  it('our SCU to our SCP: data sets arrive byte-for-byte, compressed ones in their own syntax', async () => {
    const got = new Map<string, Uint8Array>();
    const s = await scp((bytes, _from, info) => {
      got.set(info.sopInstanceUid, bytes);
    });
    const a = adapter({ aet: s.aet, host: '127.0.0.1', port: s.port });
    await a.echo();
    const all = [...head, ...compressed];
    const report = await a.storeInstances(all);
    expect(report).toEqual({ stored: all.map(sopOf), failed: [], warnings: [] });
    for (const source of all) expect(dataset(got.get(sopOf(source))!).equals(dataset(source))).toBe(true);
  });

  it('our SCU stores into dcmtk storescp; the files it wrote are pixel-identical', async () => {
    const dcm = await startStorescp('DCMTKSCP');
    try {
      const a = adapter({ aet: dcm.aet, host: '127.0.0.1', port: dcm.port });
      const report = await a.storeInstances(head);
      expect(report).toEqual({ stored: head.map(sopOf), failed: [], warnings: [] });
      const written = dcm.files().map((f) => new Uint8Array(readFileSync(f)));
      expect(written.map(sopOf).sort()).toEqual(head.map(sopOf).sort());
      for (const w of written) {
        const source = head.find((h) => sopOf(h) === sopOf(w)) as Uint8Array;
        expect((await storedValues(w, 'written')).equals(await storedValues(source, 'source'))).toBe(true);
      }
    } finally {
      await dcm.stop();
    }
  });

  it('a peer that takes Implicit VR LE only gets the same data set converted, private attributes included', async () => {
    const implicitOnly = await startStorescp('DCMTKSCP', ['+xi']);
    try {
      const a = adapter({ aet: implicitOnly.aet, host: '127.0.0.1', port: implicitOnly.port });
      // A derived instance carries nested sequences; the GE source carries private groups.
      const [derived] = (await identitySeries(headCtFiles().slice(0, 1))).instances;
      const report = await a.storeInstances([head[0], derived, compressed[0]]);
      expect(report.stored).toEqual([sopOf(head[0]), sopOf(derived)]);
      // JPEG 2000 is never transcoded: that instance fails on its own.
      expect(report.failed).toMatchObject([
        { sopInstanceUid: sopOf(compressed[0]), code: 'PACS_ERR_DIMSE_NEGOTIATION' },
      ]);
      const written = implicitOnly.files().map((f) => new Uint8Array(readFileSync(f)));
      expect(written).toHaveLength(2);
      for (const w of written) {
        expect(readPart10Meta(w, 'written').transferSyntaxUid).toBe('1.2.840.10008.1.2');
        const source = [head[0], derived].find((h) => sopOf(h) === sopOf(w)) as Uint8Array;
        expect(attributes(w, 'written')).toEqual(attributes(source, 'source'));
      }
    } finally {
      await implicitOnly.stop();
    }
  });

  it('DIMSE statuses per instance: failure to failed, warning to warnings, unreadable to 0xC000', async () => {
    const [a1, a2, a3] = head.map(sopOf);
    const s = await scp((_bytes, _from, info) => {
      if (info.sopInstanceUid === a1) return { status: 0xa700, comment: 'disk full' };
      if (info.sopInstanceUid === a2) return { status: 0xb000 };
      if (info.sopInstanceUid === a3) throw pacsError('PACS_ERR_PARSE', 'bad', { file: 'x' });
    });
    const notDicom = new Uint8Array(200);
    const report = await adapter({ aet: s.aet, host: '127.0.0.1', port: s.port }).storeInstances([...head, notDicom]);
    expect(report.stored).toEqual([a2]);
    expect(report.warnings).toEqual([
      { sopInstanceUid: a2, code: '0xB000', reason: expect.stringMatching(/^C-STORE: 0xB000 Warning/) },
    ]);
    expect(report.failed).toEqual([
      { sopInstanceUid: a1, code: '0xA700', reason: 'C-STORE: 0xA700 Refused: out of resources (disk full)' },
      { sopInstanceUid: a3, code: '0xC000', reason: expect.stringContaining('PACS_ERR_PARSE') },
      { code: 'PACS_ERR_NOT_DICOM', reason: expect.stringContaining('storeInstances #4') },
    ]);
  });

  it('an SCP that does not take the SOP class or the size: PACS_ERR_DIMSE_NEGOTIATION and 0xA700 per instance', async () => {
    const mrOnly = await scp(() => undefined, { sopClasses: ['1.2.840.10008.5.1.4.1.1.4'] });
    const r1 = await adapter({ aet: mrOnly.aet, host: '127.0.0.1', port: mrOnly.port }).storeInstances(
      head.slice(0, 1),
    );
    expect(r1.failed).toEqual([
      {
        sopInstanceUid: sopOf(head[0]),
        code: 'PACS_ERR_DIMSE_NEGOTIATION',
        reason: expect.stringContaining('no presentation context'),
      },
    ]);
    const small = await scp(() => undefined, { maxInstanceBytes: 10_000 });
    const r2 = await adapter({ aet: small.aet, host: '127.0.0.1', port: small.port }).storeInstances(head.slice(0, 1));
    expect(r2.failed).toMatchObject([{ sopInstanceUid: sopOf(head[0]), code: '0xA700' }]);
  });

  it('PACS down: typed error naming host:port, for echo, find and store', async () => {
    const port = await freePort();
    const a = adapter({ aet: 'NOBODY', host: '127.0.0.1', port });
    for (const op of [() => a.echo(), () => a.searchStudies(), () => a.storeInstances(head.slice(0, 1))]) {
      const e = await op().catch((x: unknown) => x);
      expect(e).toBeInstanceOf(PacsError);
      expect((e as PacsError).code).toBe('PACS_ERR_UNREACHABLE');
      expect((e as PacsError).message).toContain(`NOBODY@127.0.0.1:${port}`);
      expect((e as PacsError).details).toMatchObject({ host: '127.0.0.1', port });
    }
    const it = a.retrieveSeries('1.2.3', '1.2.3.4')[Symbol.asyncIterator]();
    await expect(it.next()).rejects.toMatchObject({ code: 'PACS_ERR_UNREACHABLE' });
  });

  it('association rejected: dcmtk storescp --refuse, and our SCP with a wrong called AE title', async () => {
    const refusing = await startStorescp('DCMTKSCP', ['--refuse']);
    try {
      const e = await adapter({ aet: refusing.aet, host: '127.0.0.1', port: refusing.port })
        .echo()
        .catch((x: unknown) => x);
      expect(e).toMatchObject({ code: 'PACS_ERR_DIMSE_ASSOCIATION' });
      expect((e as PacsError).message).toMatch(/association rejected/);
    } finally {
      await refusing.stop();
    }
    const s = await scp(() => undefined);
    const e = await adapter({ aet: 'WRONG', host: '127.0.0.1', port: s.port })
      .echo()
      .catch((x: unknown) => x);
    expect(e).toMatchObject({ code: 'PACS_ERR_DIMSE_ASSOCIATION', details: { retryable: false, rejectReason: 7 } });
    expect((e as PacsError).message).toContain('called AE title not recognized');
  });

  it('timeouts: a peer that never answers the association, and one that sleeps during C-STORE', async () => {
    const silent = await silentServer();
    try {
      const a = adapter(
        { aet: 'HUNG', host: '127.0.0.1', port: silent.port },
        { associationTimeoutMs: 500, retries: { attempts: 1 } },
      );
      const r = await timed(() => a.echo());
      expect(r.error).toMatchObject({ code: 'PACS_ERR_TIMEOUT', details: { timeoutMs: 500 } });
      expect(r.ms).toBeLessThan(2000);
    } finally {
      await silent.close();
    }
    const sleepy = await startStorescp('DCMTKSCP', ['--sleep-during', '6']);
    try {
      const a = adapter(
        { aet: sleepy.aet, host: '127.0.0.1', port: sleepy.port },
        { dimseTimeoutMs: 1000, retries: { attempts: 1 } },
      );
      const r = await timed(() => a.storeInstances(head.slice(0, 1)));
      expect(r.value?.failed).toMatchObject([{ sopInstanceUid: sopOf(head[0]), code: 'PACS_ERR_TIMEOUT' }]);
      expect(r.ms).toBeLessThan(4000);
    } finally {
      await sleepy.stop();
    }
  });

  it('a peer that aborts during C-STORE: retried, then reported per instance', async () => {
    const aborting = await startStorescp('DCMTKSCP', ['--abort-during']);
    try {
      const report = await adapter({ aet: aborting.aet, host: '127.0.0.1', port: aborting.port }).storeInstances(
        head.slice(0, 2),
      );
      expect(report.stored).toEqual([]);
      expect(report.failed.map((f) => f.code)).toEqual(['PACS_ERR_DIMSE_ASSOCIATION', 'PACS_ERR_DIMSE_ASSOCIATION']);
    } finally {
      await aborting.stop();
    }
  });
});

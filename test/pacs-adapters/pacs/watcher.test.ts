import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '../../../common/index.js';
import {
  decodeFrame,
  derivedSeriesSpec,
  LocalStore,
  LocalStoreAdapter,
  matchRule,
  modalityValues,
  readInstanceFile,
  SeriesWatcher,
  writeDerivedInstance,
  type GrayFrame,
  type StableSeries,
} from '../../../pacs-adapters/index.js';
import { sharedPath } from '../../helpers/sharedData.js';

const logger = createLogger('silent');

describe('LocalStoreAdapter and SeriesWatcher', () => {
  const root = mkdtempSync(join(tmpdir(), 'gsdiff-watch-'));
  let store: LocalStore;
  let adapter: LocalStoreAdapter;
  const headDir = sharedPath('ct-ge-head-human-tilted');
  const headFiles = readdirSync(headDir)
    .filter((f) => f.endsWith('.dcm'))
    .sort();

  beforeAll(async () => {
    store = await LocalStore.open(join(root, 'store'), { logger });
    adapter = new LocalStoreAdapter(store);
  });
  afterAll(async () => {
    await store.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('serves search, facts, streaming retrieve and idempotent store through the common interface', async () => {
    const report = await adapter.storeInstances(headFiles.slice(0, 20).map((f) => readFileSync(join(headDir, f))));
    expect(report).toMatchObject({ failed: [], warnings: [] });
    expect(report.stored).toHaveLength(20);
    const again = await adapter.storeInstances([readFileSync(join(headDir, headFiles[0]))]);
    expect(again.stored).toHaveLength(1);
    expect(store.stats().instances).toBe(20);
    const [study] = await adapter.searchStudies({ modality: 'CT' });
    const [series] = await adapter.searchSeries(study.studyInstanceUid);
    expect(series.numberOfInstances).toBe(20);
    const facts = await adapter.seriesFacts(study.studyInstanceUid, series.seriesInstanceUid);
    expect(facts).toMatchObject({
      modality: 'CT',
      convolutionKernel: 'STD+',
      imageType: ['ORIGINAL', 'PRIMARY', 'AXIAL', 'ADD'],
    });
    let n = 0;
    for await (const inst of adapter.retrieveSeries(study.studyInstanceUid, series.seriesInstanceUid)) {
      expect(inst.bytes.length).toBeGreaterThan(100000);
      n++;
    }
    expect(n).toBe(20);
  });

  it('hands a series over once it has been stable, once, and re-arms when it grows', async () => {
    let clock = 0;
    const handed: StableSeries[] = [];
    const w = new SeriesWatcher({
      adapter,
      rules: [{ name: 'ct', modalities: ['CT'] }],
      stableAfterMs: 5000,
      pollIntervalMs: 1000,
      onStable: async (s) => {
        handed.push(s);
      },
      logger,
      now: () => clock,
    });
    expect(await w.poll()).toEqual([]); // first sight: count recorded
    clock = 3000;
    expect(await w.poll()).toEqual([]); // not stable yet
    await adapter.storeInstances([readFileSync(join(headDir, headFiles[20]))]);
    clock = 6000;
    expect(await w.poll()).toEqual([]); // grew at 6000: clock restarts
    clock = 10000;
    expect(await w.poll()).toEqual([]);
    clock = 11000;
    const first = await w.poll();
    expect(first.map((s) => [s.rule.name, s.instances])).toEqual([['ct', 21]]);
    clock = 20000;
    expect(await w.poll()).toEqual([]); // handed over once
    await adapter.storeInstances(headFiles.slice(21).map((f) => readFileSync(join(headDir, f))));
    clock = 21000;
    await w.poll();
    clock = 27000;
    expect((await w.poll()).map((s) => s.instances)).toEqual([28]);
    expect(handed).toHaveLength(2);
  });

  it('applies rule filters and never takes our own derived output', async () => {
    const src = await readInstanceFile(join(headDir, headFiles[0]));
    const hu = modalityValues((await decodeFrame(src, 0)) as GrayFrame, src.header);
    const derived = writeDerivedInstance(
      src,
      { kind: 'modality', frames: [hu] },
      {
        method: 'test',
        task: 'denoise',
        packName: 'p',
        packSha256: 'a'.repeat(64),
        parameters: {},
        softwareVersion: 't',
      },
      derivedSeriesSpec(src.header),
    );
    await adapter.storeInstances([derived.bytes]);
    const [study] = await adapter.searchStudies();
    const all = await adapter.searchSeries(study.studyInstanceUid);
    expect(all).toHaveLength(2);
    const decide = async (rules: Parameters<typeof matchRule>[0]): Promise<(string | undefined)[]> =>
      Promise.all(
        all.map(
          async (s) => matchRule(rules, s, await adapter.seriesFacts(s.studyInstanceUid, s.seriesInstanceUid))?.name,
        ),
      );
    expect(await decide([{ name: 'ct', modalities: ['CT'] }])).toEqual(expect.arrayContaining(['ct', undefined]));
    expect(await decide([{ name: 'sharp', kernelPattern: '^(LUNG|BONE)' }])).toEqual([undefined, undefined]);
    expect(await decide([{ name: 'std', kernelPattern: '^STD' }])).toEqual(expect.arrayContaining(['std', undefined]));
    expect(await decide([{ name: 'lowdose', maxCtdiVol: 5 }])).toEqual([undefined, undefined]); // no CTDIvol in this series
    expect(await decide([{ name: 'endo', endoscopy: true }])).toEqual([undefined, undefined]);
  });
});

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createLogger } from '../../../common/index.js';
import { DicomWebAdapter, SeriesWatcher, type StableSeries } from '../../../pacs-adapters/index.js';
import { startOrthanc, type RunningOrthanc } from '../../helpers/orthanc.js';
import { sharedPath } from '../../helpers/sharedData.js';

/** The watcher over a real PACS: QIDO polling through the DICOMweb adapter against Orthanc. */
describe('SeriesWatcher on a real Orthanc through DICOMweb', () => {
  let orthanc: RunningOrthanc;
  let adapter: DicomWebAdapter;
  const dir = sharedPath('ct-human-chest-cmb-crc');
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.dcm'))
    .sort()
    .slice(0, 12);

  beforeAll(async () => {
    orthanc = await startOrthanc();
    adapter = new DicomWebAdapter({
      baseUrl: orthanc.dicomWebUrl,
      auth: { kind: 'basic', username: orthanc.username, password: orthanc.password },
    });
  });
  afterAll(async () => {
    await adapter.close();
    await orthanc.stop();
  });

  it('hands over a series only after it stopped growing, with the facts the rules used', async () => {
    let clock = 0;
    const handed: StableSeries[] = [];
    const watcher = new SeriesWatcher({
      adapter,
      rules: [{ name: 'sharp-kernel CT', modalities: ['CT'], kernelPattern: '^LUNG$' }],
      stableAfterMs: 2000,
      pollIntervalMs: 500,
      onStable: async (s) => {
        handed.push(s);
      },
      logger: createLogger('silent'),
      now: () => clock,
    });
    for (const f of files.slice(0, 6)) await orthanc.upload(readFileSync(join(dir, f)));
    await watcher.poll();
    clock = 1500;
    for (const f of files.slice(6)) await orthanc.upload(readFileSync(join(dir, f)));
    expect(await watcher.poll()).toEqual([]); // still arriving
    clock = 3000;
    expect(await watcher.poll()).toEqual([]); // unchanged for 1.5 s only
    clock = 4000;
    const [s] = await watcher.poll();
    expect(s.instances).toBe(12);
    expect(s.rule.name).toBe('sharp-kernel CT');
    expect(s.facts).toMatchObject({ modality: 'CT', convolutionKernel: 'LUNG' });
    clock = 10000;
    expect(await watcher.poll()).toEqual([]);
    expect(handed).toHaveLength(1);
  });
});

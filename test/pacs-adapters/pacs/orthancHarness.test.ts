import { readFileSync } from 'node:fs';
import { startOrthanc, type RunningOrthanc } from '../../helpers/orthanc.js';
import { sharedPath } from '../../helpers/sharedData.js';

describe('Orthanc test harness', () => {
  let orthanc: RunningOrthanc;
  beforeAll(async () => {
    orthanc = await startOrthanc();
  });
  afterAll(() => orthanc.stop());

  it('starts with authentication on and accepts uploads', async () => {
    const anonymous = await fetch(`${orthanc.httpUrl}/system`);
    expect(anonymous.status).toBe(401);
    const id = await orthanc.upload(readFileSync(sharedPath('ct-ge-head-human-tilted/01.dcm')));
    expect(id).toMatch(/^[0-9a-f-]+$/);
    expect(await orthanc.rest<string[]>('/instances')).toEqual([id]);
    const qido = await fetch(`${orthanc.dicomWebUrl}/studies`, {
      headers: { authorization: orthanc.authHeader, accept: 'application/dicom+json' },
    });
    expect(qido.status).toBe(200);
    expect(((await qido.json()) as unknown[]).length).toBe(1);
  });
});

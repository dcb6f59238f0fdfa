import {
  decodeFrame,
  derivedSeriesSpec,
  isDerived,
  modalityValues,
  parseInstance,
  readInstanceFile,
  readNaturalDataset,
  writeDerivedInstance,
  type DerivationInfo,
  type DicomInstance,
  type RestoredFrames,
} from '../../pacs-adapters/index.js';
import { dciodvfyErrors } from '../helpers/dciodvfy.js';
import { sharedPath } from '../helpers/sharedData.js';

const derivation: DerivationInfo = {
  method: 'GSDiff grid-splicing diffusion restoration',
  task: 'denoise',
  packName: 'gsdiff-compact',
  packVersion: '0.1.0',
  packSha256: 'a'.repeat(64),
  parameters: { steps: 20, grid: '3x3' },
  softwareVersion: '0.1.0',
};

async function identity(src: DicomInstance): Promise<RestoredFrames> {
  const frames = [];
  for (let i = 0; i < src.header.numberOfFrames; i++) {
    const f = await decodeFrame(src, i);
    frames.push(f.kind === 'gray' ? modalityValues(f, src.header) : f.rgb);
  }
  return src.header.samplesPerPixel === 3
    ? { kind: 'rgb', frames: frames as Uint8Array[] }
    : { kind: 'modality', frames: frames as Float32Array[] };
}

const sources = [
  ['signed 16-bit head CT with tilt', 'ct-ge-head-human-tilted/01.dcm'],
  ['unsigned 12-bit abdomen CT, intercept -1000', 'ct-human-abdomen-pancreatic-ct-cbct-seg/1-050.dcm'],
  ['signed chest CT', 'ct-human-chest-cmb-crc/1-001.dcm'],
  ['JPEG 2000 lossy RGB endoscopy', 'endoscopy-wg04-vl/VL1_J2KI'],
];

describe('writeDerivedInstance', () => {
  it.each(sources)('%s: round-trips pixels exactly and passes dciodvfy', async (_label, rel) => {
    const src = await readInstanceFile(sharedPath(rel));
    const series = derivedSeriesSpec(src.header, [src.header.seriesNumber ?? 0], new Date('2026-11-26T10:00:00Z'));
    const out = writeDerivedInstance(src, await identity(src), derivation, series);
    expect(out.clippedPixels).toBe(0);

    const back = parseInstance(out.bytes, 'derived');
    const a = await decodeFrame(src, 0);
    const b = await decodeFrame(back, 0);
    const x = a.kind === 'gray' ? a.stored : a.rgb;
    const y = b.kind === 'gray' ? b.stored : b.rgb;
    expect(
      Buffer.from(y.buffer, y.byteOffset, y.byteLength).equals(Buffer.from(x.buffer, x.byteOffset, x.byteLength)),
    ).toBe(true);
    expect(await dciodvfyErrors(out.bytes)).toEqual([]);
  });

  it('keeps the study and frame of reference, and records how and from what the image was derived', async () => {
    const src = await readInstanceFile(sharedPath('ct-ge-head-human-tilted/01.dcm'));
    const series = derivedSeriesSpec(src.header, [], new Date('2026-11-26T10:00:00Z'));
    const out = writeDerivedInstance(src, await identity(src), derivation, series);
    const ds = readNaturalDataset(out.bytes, 'derived');
    expect(ds.StudyInstanceUID).toBe(src.header.studyInstanceUid);
    expect(ds.FrameOfReferenceUID).toBe(src.header.frameOfReferenceUid);
    expect(ds.SeriesInstanceUID).toBe(series.seriesInstanceUid);
    expect(ds.SeriesInstanceUID).not.toBe(src.header.seriesInstanceUid);
    expect(String(ds.SOPInstanceUID)).toMatch(/^2\.25\.\d+$/);
    expect(ds.SOPInstanceUID).not.toBe(src.header.sopInstanceUid);
    expect((ds.ImageType as string[]).slice(0, 2)).toEqual(['DERIVED', 'SECONDARY']);
    expect(ds.DerivationDescription).toContain('gsdiff-compact v0.1.0 sha256:' + 'a'.repeat(64));
    expect(ds.DerivationDescription).toContain('steps=20');
    expect(ds.DerivationCodeSequence).toMatchObject([
      { CodeValue: '113087', CodingSchemeDesignator: 'DCM', CodeMeaning: 'Smoothing' },
    ]);
    expect(ds.SourceImageSequence).toMatchObject([
      {
        ReferencedSOPClassUID: src.header.sopClassUid,
        ReferencedSOPInstanceUID: src.header.sopInstanceUid,
        PurposeOfReferenceCodeSequence: [
          {
            CodeValue: '121322',
            CodingSchemeDesignator: 'DCM',
            CodeMeaning: 'Source image for image processing operation',
          },
        ],
      },
    ]);
    const equipment = ds.ContributingEquipmentSequence as Record<string, unknown>[];
    expect(equipment[equipment.length - 1]).toMatchObject({
      SoftwareVersions: '0.1.0',
      PurposeOfReferenceCodeSequence: [
        { CodeValue: '109102', CodingSchemeDesignator: 'DCM', CodeMeaning: 'Processing Equipment' },
      ],
    });
    expect(ds.SeriesNumber).toBe((src.header.seriesNumber ?? 0) + 1000);
    expect(ds.SeriesDescription).toMatch(/\[GSDiff\]$/);
    expect(ds.RescaleSlope).toBe(src.header.rescaleSlope);
    expect(ds.RescaleIntercept).toBe(src.header.rescaleIntercept);
  });

  it('flags a series derived from lossy data as lossy', async () => {
    const src = await readInstanceFile(sharedPath('endoscopy-wg04-vl/VL1_J2KI'));
    const out = writeDerivedInstance(src, await identity(src), derivation, derivedSeriesSpec(src.header));
    expect(readNaturalDataset(out.bytes, 'derived').LossyImageCompression).toBe('01');
  });

  it('clamps values the source BitsStored cannot hold and counts them', async () => {
    const src = await readInstanceFile(sharedPath('ct-human-abdomen-pancreatic-ct-cbct-seg/1-050.dcm'));
    const frames = (await identity(src)).frames as Float32Array[];
    const hu = Float32Array.from(frames[0]);
    hu[0] = -1500; // below intercept -1000 with unsigned storage
    hu[1] = 5000; // above -1000 + 4095
    const out = writeDerivedInstance(
      src,
      { kind: 'modality', frames: [hu] },
      derivation,
      derivedSeriesSpec(src.header),
    );
    expect(out.clippedPixels).toBe(2);
    const back = modalityValues((await decodeFrame(parseInstance(out.bytes, 'derived'), 0)) as never, src.header);
    expect([back[0], back[1]]).toEqual([-1000, 3095]);
  });

  it('refuses frames of the wrong size or count, naming the file', async () => {
    const src = await readInstanceFile(sharedPath('ct-ge-head-human-tilted/01.dcm'));
    expect(() =>
      writeDerivedInstance(
        src,
        { kind: 'modality', frames: [new Float32Array(10)] },
        derivation,
        derivedSeriesSpec(src.header),
      ),
    ).toThrow(/01\.dcm: restored frame 0 holds 10 values: expected 262144/);
    expect(() =>
      writeDerivedInstance(src, { kind: 'modality', frames: [] }, derivation, derivedSeriesSpec(src.header)),
    ).toThrow(/expected NumberOfFrames 1/);
  });

  it('records the strength: SeriesDescription within 64 characters, DerivationDescription with its weight', async () => {
    const src = await readInstanceFile(sharedPath('ct-ge-head-human-tilted/01.dcm'));
    const series = derivedSeriesSpec(src.header, [], new Date('2026-11-26T10:00:00Z'), 'medium');
    const out = writeDerivedInstance(
      src,
      await identity(src),
      { ...derivation, strength: { level: 'medium', weight: 0.75 } },
      series,
    );
    const ds = readNaturalDataset(out.bytes, 'derived');
    expect(ds.SeriesDescription).toMatch(/ \[GSDiff\] strength medium$/);
    expect(ds.DerivationDescription).toContain(
      'steps=20, grid=3x3; strength medium (blend 0.75 with the input: input + 0.75 x (restored - input)); gsdiff 0.1.0.',
    );
    expect(await dciodvfyErrors(out.bytes)).toEqual([]);
    // A long source description is shortened, never the suffix (VR LO: 64 characters).
    const long = derivedSeriesSpec({ seriesDescription: 'x'.repeat(80) }, [], new Date(), 'medium');
    expect(long.seriesDescription).toHaveLength(64);
    expect(long.seriesDescription.endsWith('x [GSDiff] strength medium')).toBe(true);
    expect(derivedSeriesSpec({ seriesDescription: 'Abdomen 5mm' }, [], new Date(), 'low').seriesDescription).toBe(
      'Abdomen 5mm [GSDiff] strength low',
    );
  });

  it('tells our output apart by its suffix, with or without the strength', () => {
    const facts = { sopClassUid: '1.2.840.10008.5.1.4.1.1.77.1.1.1', imageType: ['DERIVED', 'PRIMARY'] };
    const summary = (seriesDescription: string) => ({
      studyInstanceUid: '1.2',
      seriesInstanceUid: '1.2.3',
      seriesDescription,
    });
    expect(isDerived(summary('Capsule [GSDiff]'), facts)).toBe(true);
    expect(isDerived(summary('Capsule [GSDiff] strength high'), facts)).toBe(true);
    expect(isDerived(summary('Capsule'), facts)).toBe(false);
    expect(isDerived(summary('Capsule [GSDiff] strength extreme'), facts)).toBe(false);
  });

  it('never modifies the source bytes', async () => {
    const src = await readInstanceFile(sharedPath('ct-ge-head-human-tilted/01.dcm'));
    const before = Buffer.from(src.bytes).toString('base64');
    writeDerivedInstance(src, await identity(src), derivation, derivedSeriesSpec(src.header));
    expect(Buffer.from(src.bytes).toString('base64')).toBe(before);
  });
});

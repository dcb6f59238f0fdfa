import { readFileSync } from 'node:fs';
import { decodeFrame, modalityValues, readInstanceFile, type DecodedFrame } from '../../pacs-adapters/index.js';
import { sharedPath } from '../helpers/sharedData.js';

async function frame(path: string, index = 0): Promise<{ f: DecodedFrame; hu?: Float32Array }> {
  const inst = await readInstanceFile(path, { requireIdentity: false });
  const f = await decodeFrame(inst, index);
  return { f, hu: f.kind === 'gray' ? modalityValues(f, inst.header) : undefined };
}

function samples(f: DecodedFrame): ArrayLike<number> {
  return f.kind === 'gray' ? f.stored : f.rgb;
}

function diff(a: ArrayLike<number>, b: ArrayLike<number>): { max: number; rmse: number } {
  expect(a.length).toBe(b.length);
  let max = 0;
  let se = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - b[i]);
    if (d > max) max = d;
    se += d * d;
  }
  return { max, rmse: Math.sqrt(se / a.length) };
}

function psnr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < a.length; i++) {
    lo = Math.min(lo, a[i]);
    hi = Math.max(hi, a[i]);
  }
  return 20 * Math.log10((hi - lo) / diff(a, b).rmse);
}

/** NEAR parameter of a JPEG-LS codestream (first SOS marker segment, ITU-T T.87 C.2.3). */
function jpegLsNear(path: string): number {
  const b = readFileSync(path);
  const i = b.indexOf(Buffer.from([0xff, 0xda]));
  return b[i + 5 + 2 * b[i + 4]];
}

const wg04 = (name: string): string => sharedPath('ct-wg04-compressed', name);
const vl = (name: string): string => sharedPath('endoscopy-wg04-vl', name);

describe('WG04 CT: every lossless syntax decodes pixel-identical to the uncompressed reference', () => {
  it.each([
    ['CT1', 'RLE'],
    ['CT1', 'JPLL'],
    ['CT1', 'JLSL'],
    ['CT1', 'J2KR'],
    ['CT2', 'RLE'],
    ['CT2', 'JPLL'],
    ['CT2', 'JLSL'],
    ['CT2', 'J2KR'],
  ])('%s_%s', async (img, ts) => {
    const ref = await frame(wg04(`${img}_UNC`));
    const got = await frame(wg04(`${img}_${ts}`));
    expect(diff(samples(got.f), samples(ref.f)).max).toBe(0);
    expect(diff(got.hu as Float32Array, ref.hu as Float32Array).max).toBe(0);
  });

  it.each(['CT1', 'CT2'])('%s_JLSN stays within the NEAR bound of its codestream', async (img) => {
    const near = jpegLsNear(wg04(`${img}_JLSN`));
    expect(near).toBe(4);
    const d = diff(samples((await frame(wg04(`${img}_JLSN`))).f), samples((await frame(wg04(`${img}_UNC`))).f));
    expect(d.max).toBeLessThanOrEqual(near);
    expect(d.max).toBeGreaterThan(0);
  });

  // Stated tolerance for lossy JPEG 2000: PSNR >= 38 dB over the reference's range (WG04 J2KI is 69:1;
  // measured 39.5-41.2 dB).
  it.each(['CT1', 'CT2'])('%s_J2KI is within PSNR 38 dB of the reference', async (img) => {
    const ref = samples((await frame(wg04(`${img}_UNC`))).f);
    expect(psnr(ref, samples((await frame(wg04(`${img}_J2KI`))).f))).toBeGreaterThanOrEqual(38);
  });
});

describe('WG04 VL endoscopy (RGB)', () => {
  it.each([
    ['VL1', 'RLE'],
    ['VL1', 'J2KR'],
    ['VL2', 'RLE'],
    ['VL2', 'J2KR'],
  ])('%s_%s decodes pixel-identical to _UNC', async (img, ts) => {
    const ref = await frame(vl(`${img}_UNC`));
    const got = await frame(vl(`${img}_${ts}`));
    expect(got.f.kind).toBe('rgb');
    expect(diff(samples(got.f), samples(ref.f)).max).toBe(0);
  });

  it.each(['VL1', 'VL2'])('%s_J2KI is within PSNR 38 dB', async (img) => {
    expect(
      psnr(samples((await frame(vl(`${img}_UNC`))).f), samples((await frame(vl(`${img}_J2KI`))).f)),
    ).toBeGreaterThanOrEqual(38);
  });
});

describe('one CT slice in every syntax (Cornerstone test images)', () => {
  const cs = (suffix: string): string => sharedPath('dicom-edge-cases/cornerstone3D', `CTImage.dcm${suffix}`);
  it.each([
    '_LittleEndianImplicitTransferSyntax_1.2.840.10008.1.2.dcm',
    '_LittleEndianExplicitTransferSyntax_1.2.840.10008.1.2.1.dcm',
    '_BigEndianExplicitTransferSyntax_1.2.840.10008.1.2.2.dcm',
    '_DeflatedExplicitVRLittleEndianTransferSyntax_1.2.840.10008.1.2.1.99.dcm',
    '_RLELosslessTransferSyntax_1.2.840.10008.1.2.5.dcm',
    '_JPEGProcess14TransferSyntax_1.2.840.10008.1.2.4.57.dcm',
    '_JPEGProcess14SV1TransferSyntax_1.2.840.10008.1.2.4.70.dcm',
    '_JPEGLSLosslessTransferSyntax_1.2.840.10008.1.2.4.80.dcm',
    '_JPEG2000LosslessOnlyTransferSyntax_1.2.840.10008.1.2.4.90.dcm',
  ])('lossless %s is identical in HU', async (suffix) => {
    const ref = await frame(cs(''));
    expect(diff((await frame(cs(suffix))).hu as Float32Array, ref.hu as Float32Array).max).toBe(0);
  });

  it('JPEG-LS near-lossless stays within NEAR', async () => {
    const file = cs('_JPEGLSLossyTransferSyntax_1.2.840.10008.1.2.4.81.dcm');
    const d = diff((await frame(file)).hu as Float32Array, (await frame(cs(''))).hu as Float32Array);
    expect(d.max).toBeLessThanOrEqual(jpegLsNear(file));
  });

  // 12-bit lossy JPEG of 16-bit data: DCMTK rescaled it (slope 2.0002, intercept -4047), so compare in HU.
  it.each([
    '_JPEGProcess2_4TransferSyntax_1.2.840.10008.1.2.4.51.dcm',
    '_JPEGProcess6_8TransferSyntax_1.2.840.10008.1.2.4.53.dcm',
    '_JPEGProcess10_12TransferSyntax_1.2.840.10008.1.2.4.55.dcm',
  ])('12-bit lossy %s matches in HU within RMSE 35', async (suffix) => {
    const d = diff((await frame(cs(suffix))).hu as Float32Array, (await frame(cs(''))).hu as Float32Array);
    expect(d.rmse).toBeLessThan(35);
  });
});

describe('pixel semantics', () => {
  it('decodes the nine transfer syntaxes of dcm_qa_ts identically', async () => {
    const ref = samples((await frame(sharedPath('dicom-edge-cases/dcm_qa_ts/1.dcm'))).f);
    for (let i = 2; i <= 9; i++) {
      expect(diff(samples((await frame(sharedPath(`dicom-edge-cases/dcm_qa_ts/${i}.dcm`))).f), ref).max).toBe(0);
    }
  });

  it.each([
    ['12bitUnsigned_0x0F0F.dcm', false],
    ['12bitSigned_0x0F0F.dcm', true],
  ])('masks the unused high bits of %s and sign-extends from HighBit', async (name, signed) => {
    const inst = await readInstanceFile(sharedPath('dicom-edge-cases/dcm_qa_12bit', name));
    const el = inst.dataSet.elements.x7fe00010;
    const raw = new Uint16Array(inst.bytes.slice(el.dataOffset, el.dataOffset + el.length).buffer);
    const stored = samples(await decodeFrame(inst, 0));
    let highBitsSet = 0;
    for (let i = 0; i < raw.length; i++) {
      if (raw[i] > 0x0fff) highBitsSet++;
      const low = raw[i] & 0x0fff;
      const want = signed && low >= 0x800 ? low - 0x1000 : low;
      if (stored[i] !== want)
        throw new Error(`pixel ${i}: raw 0x${raw[i].toString(16)} -> ${stored[i]}, expected ${want}`);
    }
    expect(highBitsSet).toBeGreaterThan(100);
  });

  it('converts uncompressed YBR_FULL_422 to the same RGB as its JPEG RGB sibling', async () => {
    const ybr = await frame(sharedPath('dicom-edge-cases/pydicom/SC_ybr_full_422_uncompressed.dcm'));
    const rgb = await frame(sharedPath('dicom-edge-cases/pydicom/SC_rgb_jpeg_dcmtk.dcm'));
    expect(ybr.f.kind).toBe('rgb');
    expect(diff(samples(ybr.f), samples(rgb.f)).max).toBe(0);
  });

  it('reads signed 15-bit JPEG-LS with sign extension', async () => {
    const { f } = await frame(sharedPath('dicom-edge-cases/pydicom-data/JLSL_16_15_1_1F.dcm'));
    const s = samples(f);
    let min = 0;
    for (let i = 0; i < s.length; i++) min = Math.min(min, s[i]);
    expect(min).toBe(-16384);
  });

  it('decodes every frame of a multi-frame RLE colour file and of a fragmented JPEG without offset table', async () => {
    const rle = await readInstanceFile(sharedPath('dicom-edge-cases/pydicom/SC_rgb_rle_2frame.dcm'), {
      requireIdentity: false,
    });
    const a = await decodeFrame(rle, 0);
    const b = await decodeFrame(rle, 1);
    expect(a.kind).toBe('rgb');
    expect(diff(samples(a), samples(b)).max).toBeGreaterThan(0);
    const jpg = await readInstanceFile(
      sharedPath('dicom-edge-cases/cornerstone3D/CT0012.fragmented_no_bot_jpeg_baseline.51.dcm'),
      {
        requireIdentity: false,
      },
    );
    expect(jpg.header.numberOfFrames).toBe(2);
    await expect(decodeFrame(jpg, 1)).resolves.toMatchObject({ kind: 'gray', rows: 512 });
    await expect(decodeFrame(jpg, 2)).rejects.toMatchObject({ code: 'PACS_ERR_FRAME_INDEX' });
  });

  it('applies the modality LUT to Hounsfield units', async () => {
    const { f, hu } = await frame(wg04('CT1_UNC'));
    const s = samples(f);
    // CT1: slope 1, intercept -1024.
    expect((hu as Float32Array)[1000]).toBe(s[1000] - 1024);
  });
});

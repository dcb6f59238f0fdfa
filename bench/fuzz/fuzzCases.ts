import fc from 'fast-check';
import type { FuzzCase, LengthMode, Mutation } from './dicomMutations.js';

/** Transfer syntaxes a mutated meta header may claim: real ones that do not match the bytes, and nonsense. */
const SYNTAXES = [
  '1.2.840.10008.1.2',
  '1.2.840.10008.1.2.1',
  '1.2.840.10008.1.2.2',
  '1.2.840.10008.1.2.1.99',
  '1.2.840.10008.1.2.4.50',
  '1.2.840.10008.1.2.4.51',
  '1.2.840.10008.1.2.4.57',
  '1.2.840.10008.1.2.4.70',
  '1.2.840.10008.1.2.4.80',
  '1.2.840.10008.1.2.4.90',
  '1.2.840.10008.1.2.4.91',
  '1.2.840.10008.1.2.4.201',
  '1.2.840.10008.1.2.5',
  '1.2.840.10008.1.2.4.100',
  '',
  '1.2.3',
  'not a uid',
  '1.2.840.10008.1.2.1\0garbage',
];

/** Image-pixel attributes every decoder trusts, set to boundary values (binary for US, text for IS/DS/CS). */
const VALUE_TAGS = [
  'x00280010', // Rows
  'x00280011', // Columns
  'x00280100', // BitsAllocated
  'x00280101', // BitsStored
  'x00280102', // HighBit
  'x00280103', // PixelRepresentation
  'x00280002', // SamplesPerPixel
  'x00280006', // PlanarConfiguration
  'x00280008', // NumberOfFrames
  'x00280004', // PhotometricInterpretation
  'x00281052', // RescaleIntercept
  'x00281053', // RescaleSlope
  'x00200032', // ImagePositionPatient
  'x00200037', // ImageOrientationPatient
  'x00280030', // PixelSpacing
  'x00080016', // SOPClassUID
  'x0020000d', // StudyInstanceUID
];
const VALUES = [
  '0',
  '1',
  '-1',
  '3',
  '7',
  '9',
  '17',
  '33',
  '65535',
  '32768',
  '2147483647',
  '4294967296',
  '999999999',
  '1e308',
  'NaN',
  '-Infinity',
  '',
  'A\\B\\C',
  '1\\2',
  'MONOCHROME3',
  'PALETTE COLOR',
  'YBR_FULL_422',
  'RGB',
  '\0\0\0\0',
];
const VRS = ['ZZ', '\0\0', 'SQ', 'OB', 'OW', 'UN', 'UT', 'US', 'AE', 'DS', 'ob', '  '];
const LENGTH_MODES: LengthMode[] = ['zero', 'odd', 'plus', 'minus', 'huge', 'undefined'];

// Unbiased: fast-check's default bias towards 0 would make most truncations empty files.
const fraction = fc.noBias(fc.integer({ min: 0, max: 999_999 }).map((n) => n / 1_000_000));
const elementIndex = fc.nat({ max: 10_000 });

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ op: fc.constant('flip' as const), at: fraction, bit: fc.nat({ max: 7 }) }) },
  {
    weight: 2,
    arbitrary: fc.record({
      op: fc.constant('setByte' as const),
      at: fraction,
      value: fc.constantFrom(0, 0xff, 0x7f, 0x80, 0x20),
    }),
  },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('truncate' as const), at: fraction }) },
  {
    weight: 1,
    arbitrary: fc.record({
      op: fc.constant('splice' as const),
      from: fraction,
      to: fraction,
      length: fc.integer({ min: 1, max: 4096 }),
    }),
  },
  {
    weight: 4,
    arbitrary: fc.record({
      op: fc.constant('length' as const),
      element: elementIndex,
      mode: fc.constantFrom(...LENGTH_MODES),
      delta: fc.integer({ min: 1, max: 1 << 20 }),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({ op: fc.constant('vr' as const), element: elementIndex, vr: fc.constantFrom(...VRS) }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      op: fc.constant('deepSequence' as const),
      element: elementIndex,
      depth: fc.oneof(fc.integer({ min: 1, max: 64 }), fc.integer({ min: 1000, max: 50_000 })),
      undefinedLength: fc.boolean(),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({ op: fc.constant('transferSyntax' as const), uid: fc.constantFrom(...SYNTAXES) }),
  },
  {
    weight: 4,
    arbitrary: fc.record({
      op: fc.constant('value' as const),
      tag: fc.constantFrom(...VALUE_TAGS),
      value: fc.constantFrom(...VALUES),
    }),
  },
);

/** One fuzz case: a seed file index and one to four mutations. */
export function caseArbitrary(files: number): fc.Arbitrary<FuzzCase> {
  return fc.record({
    file: fc.nat({ max: files - 1 }),
    mutations: fc.array(mutation, { minLength: 1, maxLength: 4 }),
  });
}

/** The cases of a run: the same seed always gives the same list, so every failure is reproducible from its index. */
export function generateCases(files: number, count: number, seed: number): FuzzCase[] {
  return fc.sample(caseArbitrary(files), { seed, numRuns: count });
}

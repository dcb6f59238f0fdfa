/** How the pixel data of a transfer syntax is encoded; decides which decoder runs. */
export type PixelEncoding =
  | 'native'
  | 'rle'
  | 'jpeg-baseline'
  | 'jpeg-extended'
  | 'jpeg-lossless'
  | 'jpeg-ls'
  | 'jpeg2000'
  | 'htj2k'
  | VideoEncoding;

/** The video encodings: one bitstream for all frames, decoded by ffmpeg (dicom/video/). */
export type VideoEncoding = 'mpeg2' | 'h264' | 'hevc';

const VIDEO_ENCODINGS: ReadonlySet<PixelEncoding> = new Set<VideoEncoding>(['mpeg2', 'h264', 'hevc']);

export function isVideoEncoding(encoding: PixelEncoding): encoding is VideoEncoding {
  return VIDEO_ENCODINGS.has(encoding);
}

export interface TransferSyntaxInfo {
  readonly uid: string;
  readonly name: string;
  readonly encoding: PixelEncoding;
  readonly bigEndian: boolean;
  readonly lossy: boolean;
  /**
   * Video syntaxes only: whether the stream may span several fragments (the ".1" variants and HEVC, PS3.5 A.4.13),
   * or must sit in one fragment (the original MPEG-2 and H.264 syntaxes).
   */
  readonly fragmentable?: boolean;
}

const table: readonly TransferSyntaxInfo[] = [
  { uid: '1.2.840.10008.1.2', name: 'Implicit VR Little Endian', encoding: 'native', bigEndian: false, lossy: false },
  { uid: '1.2.840.10008.1.2.1', name: 'Explicit VR Little Endian', encoding: 'native', bigEndian: false, lossy: false },
  {
    uid: '1.2.840.10008.1.2.1.99',
    name: 'Deflated Explicit VR Little Endian',
    encoding: 'native',
    bigEndian: false,
    lossy: false,
  },
  { uid: '1.2.840.10008.1.2.2', name: 'Explicit VR Big Endian', encoding: 'native', bigEndian: true, lossy: false },
  { uid: '1.2.840.10008.1.2.5', name: 'RLE Lossless', encoding: 'rle', bigEndian: false, lossy: false },
  {
    uid: '1.2.840.10008.1.2.4.50',
    name: 'JPEG Baseline (Process 1)',
    encoding: 'jpeg-baseline',
    bigEndian: false,
    lossy: true,
  },
  {
    uid: '1.2.840.10008.1.2.4.51',
    name: 'JPEG Extended (Process 2 & 4)',
    encoding: 'jpeg-extended',
    bigEndian: false,
    lossy: true,
  },
  {
    uid: '1.2.840.10008.1.2.4.53',
    name: 'JPEG Spectral Selection (Process 6 & 8, retired)',
    encoding: 'jpeg-extended',
    bigEndian: false,
    lossy: true,
  },
  {
    uid: '1.2.840.10008.1.2.4.55',
    name: 'JPEG Full Progression (Process 10 & 12, retired)',
    encoding: 'jpeg-extended',
    bigEndian: false,
    lossy: true,
  },
  {
    uid: '1.2.840.10008.1.2.4.57',
    name: 'JPEG Lossless (Process 14)',
    encoding: 'jpeg-lossless',
    bigEndian: false,
    lossy: false,
  },
  {
    uid: '1.2.840.10008.1.2.4.70',
    name: 'JPEG Lossless SV1 (Process 14, selection value 1)',
    encoding: 'jpeg-lossless',
    bigEndian: false,
    lossy: false,
  },
  { uid: '1.2.840.10008.1.2.4.80', name: 'JPEG-LS Lossless', encoding: 'jpeg-ls', bigEndian: false, lossy: false },
  { uid: '1.2.840.10008.1.2.4.81', name: 'JPEG-LS Near-Lossless', encoding: 'jpeg-ls', bigEndian: false, lossy: true },
  { uid: '1.2.840.10008.1.2.4.90', name: 'JPEG 2000 Lossless', encoding: 'jpeg2000', bigEndian: false, lossy: false },
  { uid: '1.2.840.10008.1.2.4.91', name: 'JPEG 2000', encoding: 'jpeg2000', bigEndian: false, lossy: true },
  { uid: '1.2.840.10008.1.2.4.201', name: 'HTJ2K Lossless', encoding: 'htj2k', bigEndian: false, lossy: false },
  { uid: '1.2.840.10008.1.2.4.202', name: 'HTJ2K Lossless RPCL', encoding: 'htj2k', bigEndian: false, lossy: false },
  { uid: '1.2.840.10008.1.2.4.203', name: 'HTJ2K', encoding: 'htj2k', bigEndian: false, lossy: true },
  ...videoSyntaxes(),
];

/**
 * PS3.5 Table A-4 (2024): the MPEG-2, H.264 and HEVC syntaxes. The ".1" fragmentable variants (PS3.5 A.4.13) differ
 * only in allowing the stream to span several fragments; every fragment is concatenated the same way either way.
 */
function videoSyntaxes(): TransferSyntaxInfo[] {
  // [uid, name, encoding, has a separate ".1" fragmentable variant]
  const base: readonly [string, string, VideoEncoding, boolean][] = [
    ['1.2.840.10008.1.2.4.100', 'MPEG2 Main Profile / Main Level', 'mpeg2', true],
    ['1.2.840.10008.1.2.4.101', 'MPEG2 Main Profile / High Level', 'mpeg2', true],
    ['1.2.840.10008.1.2.4.102', 'MPEG-4 AVC/H.264 High Profile / Level 4.1', 'h264', true],
    ['1.2.840.10008.1.2.4.103', 'MPEG-4 AVC/H.264 BD-compatible High Profile / Level 4.1', 'h264', true],
    ['1.2.840.10008.1.2.4.104', 'MPEG-4 AVC/H.264 High Profile / Level 4.2 For 2D Video', 'h264', true],
    ['1.2.840.10008.1.2.4.105', 'MPEG-4 AVC/H.264 High Profile / Level 4.2 For 3D Video', 'h264', true],
    ['1.2.840.10008.1.2.4.106', 'MPEG-4 AVC/H.264 Stereo High Profile / Level 4.2', 'h264', true],
    ['1.2.840.10008.1.2.4.107', 'HEVC/H.265 Main Profile / Level 5.1', 'hevc', false],
    ['1.2.840.10008.1.2.4.108', 'HEVC/H.265 Main 10 Profile / Level 5.1', 'hevc', false],
  ];
  return base.flatMap(([uid, name, encoding, variant]) => [
    // HEVC has no ".1" variant because its own syntaxes are already fragmentable.
    { uid, name, encoding, bigEndian: false, lossy: true, fragmentable: !variant },
    ...(variant
      ? [{ uid: `${uid}.1`, name: `Fragmentable ${name}`, encoding, bigEndian: false, lossy: true, fragmentable: true }]
      : []),
  ]);
}

const byUid = new Map(table.map((t) => [t.uid, t]));

export const IMPLICIT_LE = '1.2.840.10008.1.2';
export const EXPLICIT_LE = '1.2.840.10008.1.2.1';
export const DEFLATED_LE = '1.2.840.10008.1.2.1.99';
export const EXPLICIT_BE = '1.2.840.10008.1.2.2';

/** @returns the syntax's decoding facts, or undefined when no decoder here handles it. */
export function transferSyntaxInfo(uid: string): TransferSyntaxInfo | undefined {
  return byUid.get(uid);
}

export function supportedTransferSyntaxes(): readonly TransferSyntaxInfo[] {
  return table;
}

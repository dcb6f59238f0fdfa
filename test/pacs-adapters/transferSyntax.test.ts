import { isVideoEncoding, transferSyntaxInfo, supportedTransferSyntaxes } from '../../pacs-adapters/index.js';

describe('transferSyntaxInfo', () => {
  it('knows every syntax the issue names and marks lossy ones', () => {
    expect(transferSyntaxInfo('1.2.840.10008.1.2.2')?.bigEndian).toBe(true);
    expect(transferSyntaxInfo('1.2.840.10008.1.2.4.201')?.encoding).toBe('htj2k');
    expect(transferSyntaxInfo('1.2.840.10008.1.2.4.81')?.lossy).toBe(true);
    expect(transferSyntaxInfo('1.2.840.10008.1.2.4.70')?.lossy).toBe(false);
    expect(transferSyntaxInfo('1.2.3')).toBeUndefined();
    expect(new Set(supportedTransferSyntaxes().map((t) => t.uid)).size).toBe(supportedTransferSyntaxes().length);
  });

  it('knows the MPEG-2, H.264 and HEVC syntaxes of PS3.5 Table A-4, fragmentable variants included', () => {
    const video = supportedTransferSyntaxes().filter((t) => isVideoEncoding(t.encoding));
    expect(video.map((t) => t.uid).sort()).toEqual(
      [
        ...['100', '101', '102', '103', '104', '105', '106'].flatMap((n) => [
          `1.2.840.10008.1.2.4.${n}`,
          `1.2.840.10008.1.2.4.${n}.1`,
        ]),
        '1.2.840.10008.1.2.4.107',
        '1.2.840.10008.1.2.4.108',
      ].sort(),
    );
    expect(transferSyntaxInfo('1.2.840.10008.1.2.4.100')).toMatchObject({
      encoding: 'mpeg2',
      lossy: true,
      fragmentable: false,
    });
    expect(transferSyntaxInfo('1.2.840.10008.1.2.4.102.1')).toMatchObject({ encoding: 'h264', fragmentable: true });
    expect(transferSyntaxInfo('1.2.840.10008.1.2.4.108')).toMatchObject({ encoding: 'hevc', fragmentable: true });
  });
});

import { transferSyntaxInfo, supportedTransferSyntaxes } from '../../pacs-adapters/index.js';

describe('transferSyntaxInfo', () => {
  it('knows every syntax the issue names and marks lossy ones', () => {
    expect(transferSyntaxInfo('1.2.840.10008.1.2.2')?.bigEndian).toBe(true);
    expect(transferSyntaxInfo('1.2.840.10008.1.2.4.201')?.encoding).toBe('htj2k');
    expect(transferSyntaxInfo('1.2.840.10008.1.2.4.81')?.lossy).toBe(true);
    expect(transferSyntaxInfo('1.2.840.10008.1.2.4.70')?.lossy).toBe(false);
    expect(transferSyntaxInfo('1.2.3')).toBeUndefined();
    expect(new Set(supportedTransferSyntaxes().map((t) => t.uid)).size).toBe(supportedTransferSyntaxes().length);
  });
});

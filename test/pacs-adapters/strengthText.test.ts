import {
  readInstanceFile,
  readNaturalDataset,
  restorationDerivation,
  writeDerivedInstance,
  derivedSeriesSpec,
  decodeFrame,
  modalityValues,
} from '../../pacs-adapters/index.js';
import { strengthText } from '../../pacs-adapters/write/strengthText.js';
import { sharedPath } from '../helpers/sharedData.js';

// DerivationDescription records how the strength acted: the blend weight, and for a pack that declares its strengths
// (models' trn_frame.strengths) the share of the reference's own noise its TRN graph removed.
const run = {
  pipeline: 'denoiser' as const,
  pack: { name: 'gsdiff-o', version: '0.2.0', sha256: 'b'.repeat(64), tile: { height: 64, width: 64 } },
  device: 'cpu',
  softwareVersion: '0.1.0',
};

describe('strength in DerivationDescription', () => {
  it('adds "own noise removed" only when the pack declares it', () => {
    expect(strengthText({ level: 'medium', weight: 0.75 })).toBe(
      'strength medium (blend 0.75 with the input: input + 0.75 x (restored - input))',
    );
    expect(strengthText({ level: 'high', weight: 1, ownNoiseRemoved: 1 })).toBe(
      'strength high (blend 1 with the input: input + 1 x (restored - input); own noise removed 1)',
    );
    const d = restorationDerivation({ ...run, strength: { level: 'medium', weight: 1, ownNoiseRemoved: 0.5 } });
    expect(d.strength).toEqual({ level: 'medium', weight: 1, ownNoiseRemoved: 0.5 });
  });

  it('says when a GSDiff run ran its Tail Refine Network alone (a pack whose CT diffusion branch is off)', () => {
    const gsdiffRun = {
      degradation: 'low-dose CT noise',
      pack: { ...run.pack, name: 'gsdiff-t', grid: { rows: 3, cols: 3 } },
      device: 'cpu',
      steps: 10,
      img2imgStrength: 0.1,
      strength: { level: 'medium', weight: 1, ownNoiseRemoved: 0.5 },
      seed: 1,
      softwareVersion: '0.1.0',
    };
    const trnOnly = restorationDerivation({ ...gsdiffRun, branches: 'trn-only' });
    expect(trnOnly.method).toBe(
      'GSDiff grid-splicing diffusion restoration, Tail Refine Network only (diffusion branch off)',
    );
    expect(trnOnly.parameters.branches).toBe('trn-only');
    for (const both of [restorationDerivation(gsdiffRun), restorationDerivation({ ...gsdiffRun, branches: 'full' })]) {
      expect(both.method).toBe('GSDiff grid-splicing diffusion restoration');
      expect(both.parameters.branches).toBeUndefined();
    }
  });

  it('writes it into the derived instance, whole, within VR ST', async () => {
    const src = await readInstanceFile(sharedPath('ct-ge-head-human-tilted/01.dcm'));
    const f = await decodeFrame(src, 0);
    if (f.kind !== 'gray') throw new Error('expected a grey-scale CT frame');
    const derivation = restorationDerivation({ ...run, strength: { level: 'low', weight: 1, ownNoiseRemoved: 0 } });
    const out = writeDerivedInstance(
      src,
      { kind: 'modality', frames: [modalityValues(f, src.header)] },
      derivation,
      derivedSeriesSpec(src.header, [], new Date('2026-12-07T10:00:00Z'), 'low'),
    );
    const text = String(readNaturalDataset(out.bytes, 'derived').DerivationDescription);
    expect(text).toContain(
      '; strength low (blend 1 with the input: input + 1 x (restored - input); own noise removed 0); gsdiff 0.1.0.',
    );
    expect(text.length).toBeLessThanOrEqual(1024);
    expect(text.endsWith('Review aid, not an original acquisition.')).toBe(true);
  });
});

import type { AcquisitionInfo } from '../../pacs-adapters/index.js';
import type { DegradationGuess } from './DegradationEstimate.js';

export interface HeaderFacts {
  readonly modality: string;
  readonly sopClassUid?: string;
  readonly samplesPerPixel: number;
  readonly acquisition: AcquisitionInfo;
}

const ENDOSCOPY_SOP_CLASSES = new Set([
  '1.2.840.10008.5.1.4.1.1.77.1.1', // VL Endoscopic Image
  '1.2.840.10008.5.1.4.1.1.77.1.1.1', // Video Endoscopic Image
]);

/** Kernels that trade noise for sharpness (vendor names vary; these are the common sharp families). */
const SHARP_KERNEL = /^(LUNG|BONE|BONEPLUS|EDGE|DETAIL|SHARP|B[5-9]\d|BR[5-9]\d|FC5\d|FC8\d|YC|YD|L$|H[6-9]\d)/i;

/**
 * The DICOM-header prior: endoscopy means motion blur; for CT, dose and kernel say how noisy the series should be.
 * Thresholds: CTDIvol <= 3 mGy or exposure <= 50 mAs or tube current <= 100 mA read as low dose (adult body
 * protocols run roughly 5-15 mGy); documented in models/README.md.
 */
export function headerPrior(f: HeaderFacts): DegradationGuess {
  const a = f.acquisition;
  if (f.modality === 'ES' || (f.sopClassUid && ENDOSCOPY_SOP_CLASSES.has(f.sopClassUid))) {
    return {
      source: 'header',
      phrase: 'motion blur',
      confidence: 0.6,
      evidence: `modality ${f.modality}, endoscopy: capsule/scope motion`,
    };
  }
  if (f.modality === 'CT') {
    const reasons: string[] = [];
    let low = false;
    if (a.ctdiVol !== undefined) {
      reasons.push(`CTDIvol ${a.ctdiVol} mGy`);
      low ||= a.ctdiVol <= 3;
    }
    if (a.exposureMas !== undefined) {
      reasons.push(`${a.exposureMas} mAs`);
      low ||= a.exposureMas <= 50;
    }
    if (a.tubeCurrentMa !== undefined) {
      reasons.push(`${a.tubeCurrentMa} mA`);
      low ||= a.tubeCurrentMa <= 100;
    }
    if (a.kvp !== undefined) reasons.push(`${a.kvp} kVp`);
    const sharp = a.convolutionKernel !== undefined && SHARP_KERNEL.test(a.convolutionKernel.trim());
    if (a.convolutionKernel) reasons.push(`kernel ${a.convolutionKernel}${sharp ? ' (sharp)' : ''}`);
    const phrase = low ? 'low-dose CT noise' : sharp ? 'CT noise from a sharp kernel' : 'CT noise';
    return {
      source: 'header',
      phrase,
      confidence: low || sharp ? 0.6 : 0.3,
      evidence: reasons.length ? reasons.join(', ') : 'no dose or kernel attributes',
    };
  }
  if (f.samplesPerPixel === 3)
    return { source: 'header', phrase: 'blur and noise', confidence: 0.2, evidence: `modality ${f.modality}, colour` };
  return { source: 'header', phrase: 'noise', confidence: 0.2, evidence: `modality ${f.modality}` };
}

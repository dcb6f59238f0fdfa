import type { NoiseKernel } from './NoiseKernel.js';

/** Smooth soft-tissue reconstruction: the default when the name says nothing we know. */
const STANDARD: NoiseKernel = Object.freeze({ window: 'hann', cutoff: 1 });

/**
 * A coarse kernel from the ConvolutionKernel (0018,1210) name, used only when a series has no flat region to measure
 * its own noise on. Families: GE SOFT/STANDARD/DETAIL/LUNG/BONE/EDGE, Siemens B/I/Br/Qr<number> (higher = sharper),
 * Philips A/B/C/D/L/Y*, Toshiba/Canon FC<number>. Sharp (lung, bone) kernels map to the sharpest windows.
 */
export function kernelFromName(name: string | undefined): NoiseKernel {
  const n = (name ?? '').trim().toUpperCase();
  if (n === '') return STANDARD;
  if (/LUNG|BONE|EDGE|DETAIL|SHARP|^Y|^L$|^D$/.test(n)) return { window: 'ram-lak', cutoff: 1 };
  if (/SOFT|SMOOTH|^A$/.test(n)) return { window: 'hann', cutoff: 0.8 };
  const siemens = /^[BIQH]R?(\d{2})/.exec(n);
  if (siemens) {
    const sharpness = Number(siemens[1]);
    if (sharpness >= 50) return { window: 'ram-lak', cutoff: 1 };
    if (sharpness >= 40) return { window: 'shepp-logan', cutoff: 1 };
    if (sharpness >= 30) return { window: 'cosine', cutoff: 1 };
    return { window: 'hann', cutoff: sharpness >= 20 ? 1 : 0.85 };
  }
  const canon = /^FC(\d+)/.exec(n);
  if (canon) return Number(canon[1]) >= 30 ? { window: 'shepp-logan', cutoff: 1 } : STANDARD;
  return STANDARD;
}

import { HU_WINDOWS, psnr, rmse } from '../../../validation/index.js';

// Hand computation, window [-160, 240] (L = 400):
//   ref  [0, 100, 200, 300] → clamped [0, 100, 200, 240]
//   test [10, 100, 180, 500] → clamped [10, 100, 180, 240]
//   differences 10, 0, -20, 0 → MSE = 500/4 = 125; PSNR = 10·log10(400²/125) = 10·log10(1280) = 31.0720996965 dB
// Without windowing: differences 10, 0, -20, 200 → MSE = 40500/4 = 10125; RMSE = √10125 = 100.6230589875 HU.
const ref = Float32Array.from([0, 100, 200, 300]);
const test = Float32Array.from([10, 100, 180, 500]);

describe('psnr', () => {
  it('matches the hand computation in the metric window', () => {
    expect(psnr(ref, test, HU_WINDOWS.metric)).toBeCloseTo(31.0720996965, 9);
  });

  it('uses the window width as the data range: neuro [0, 80]', () => {
    // clamped ref [0, 80, 80, 80], test [10, 80, 80, 80]: MSE = 100/4 = 25 → 10·log10(6400/25) = 24.0823996531 dB
    expect(psnr(ref, test, HU_WINDOWS.neuro)).toBeCloseTo(24.0823996531, 9);
  });

  it('restricts the mean to the mask', () => {
    // pixels 0 and 2 only: MSE = (100 + 400)/2 = 250 → 10·log10(160000/250) = 28.0617997398 dB
    expect(psnr(ref, test, HU_WINDOWS.metric, Uint8Array.from([1, 0, 1, 0]))).toBeCloseTo(28.0617997398, 9);
  });

  it('is Infinity for images identical after windowing', () => {
    expect(psnr(ref, ref.slice(), HU_WINDOWS.metric)).toBe(Infinity);
    expect(psnr(Float32Array.from([300, -500]), Float32Array.from([1000, -2000]), HU_WINDOWS.metric)).toBe(Infinity);
  });

  it('refuses mismatched lengths, empty images, empty masks and NaN', () => {
    expect(() => psnr(ref, test.subarray(1), HU_WINDOWS.metric)).toThrow(
      expect.objectContaining({ code: 'VAL_ERR_SIZE_MISMATCH', message: expect.stringMatching(/^psnr: test/) }),
    );
    expect(() => psnr(new Float32Array(0), new Float32Array(0), HU_WINDOWS.metric)).toThrow(
      expect.objectContaining({ code: 'VAL_ERR_EMPTY_INPUT' }),
    );
    expect(() => psnr(ref, test, HU_WINDOWS.metric, new Uint8Array(4))).toThrow(
      expect.objectContaining({ code: 'VAL_ERR_EMPTY_INPUT' }),
    );
    expect(() => psnr(ref, test, HU_WINDOWS.metric, new Uint8Array(3))).toThrow(
      expect.objectContaining({ code: 'VAL_ERR_SIZE_MISMATCH' }),
    );
    expect(() => psnr(ref, Float32Array.from([NaN, 0, 0, 0]), HU_WINDOWS.metric)).toThrow(
      expect.objectContaining({ code: 'VAL_ERR_BAD_INPUT' }),
    );
    expect(() => psnr(ref, test, { low: 1, high: 1, name: 'flat' })).toThrow(
      expect.objectContaining({ code: 'VAL_ERR_BAD_OPTION' }),
    );
  });
});

describe('rmse', () => {
  it('matches the hand computation, in HU, without windowing', () => {
    expect(rmse(ref, test)).toBeCloseTo(100.6230589875, 9);
    expect(rmse(ref, test, Uint8Array.from([0, 0, 0, 1]))).toBeCloseTo(200, 12);
    expect(rmse(ref, ref)).toBe(0);
  });

  it('refuses mismatched lengths and non-finite values', () => {
    expect(() => rmse(ref, test.subarray(0, 2))).toThrow(expect.objectContaining({ code: 'VAL_ERR_SIZE_MISMATCH' }));
    expect(() => rmse(ref, Float32Array.from([Infinity, 0, 0, 0]))).toThrow(
      expect.objectContaining({ code: 'VAL_ERR_BAD_INPUT' }),
    );
  });
});

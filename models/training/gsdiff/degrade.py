"""Capsule degradation: a randomised model of how a capsule camera blurs and noises a frame (issue "Step 12", item 5).

The Kvasir-Capsule frames we have (Olympus EC-S10 capsule, 336x336, 8-bit sRGB, JPEG then MPEG-4 compressed) are
the "sharp" references. A degraded frame is what the same camera would have recorded with the capsule moving during
the exposure, in less light. The chain, per frame, in the order a camera applies it:

1. Linear light. The 8-bit values are display-encoded; they are decoded with the sRGB transfer function
   (IEC 61966-2-1), because blur integrates photons and noise arises on photo-electrons, both in linear light.
2. Motion blur: a random camera trajectory after Boracchi & Foi, "Modeling the performance of image restoration from
   motion blur", IEEE TIP 21(8), 2012 (their `createTrajectory` / `createPSFs`, re-implemented here): a particle of
   constant speed with a random initial direction; at each of ``NUM_T`` = 2000 samples its velocity gets a Gaussian
   perturbation (``gaussianTerm`` ~ 10 U), an inertial pull back towards the start (``centripetal`` ~ 0.7 U) and,
   with probability ``freqBigShakes`` x anxiety (``freqBigShakes`` ~ 0.2 U), an abrupt, mostly reversing, shake; all
   scaled by ``anxiety``. The trajectory's length is the window's ``length_px``; each frame has its own trajectory (a
   capsule tumbles between frames) and its own exposure fraction ``T`` (B&F: the PSF of an exposure T integrates the
   first T of the trajectory), so the PSF's path length is T x length_px. The PSF is the trajectory rasterised with
   bilinear (triangle) weights, centred on its centroid (no net shift: the sharp reference has no defined instant),
   on a square support that grows with the path (2 ceil(reach) + 3 pixels, plus the defocus disc: up to 33 px in
   training; 15 px was the old cap).
   Spatially invariant (a capsule's roll gives rotational blur; not modelled).
3. Defocus: a pillbox (uniform disc, anti-aliased) of radius r ~ U(0, defocus_px) per frame, convolved with the
   motion PSF; radii below 0.5 px are no defocus. Capsule optics have a wide depth of field, mucosa touching the
   dome is still out of focus: small radii only.
4. Colour filter array: the blurred linear RGB is sampled through an RGGB Bayer mosaic (one colour per photosite).
5. Sensor noise on the mosaic, the Poissonian-Gaussian model of raw data (Foi, Trimeche, Katkovnik, Egiazarian,
   "Practical Poissonian-Gaussian noise modeling and fitting for single-image raw-data", IEEE TIP 17(10), 2008):
   photo-electrons ~ Poisson(v * electrons_white) plus Gaussian read noise of ``read_e`` electrons, divided by
   ``electrons_white`` (the photo-electrons that reach the white level: the gain the capsule's automatic brightness
   control chose for the gut's low light; one per window/clip), clipped at black and white.
6. Demosaicing: bilinear interpolation (the cheap ISP of a capsule), which correlates the noise between neighbouring
   pixels and between colours, as in real capsule frames. The reference already is the camera's demosaiced output,
   so only the noise (noisy mosaic - clean mosaic) is demosaiced and added to the blurred RGB: demosaicking the
   signal again would add a second interpolation loss (31.5 dB on its own on the benchmark frames).
7. sRGB encoding and 8-bit quantisation; the encoding amplifies the noise of dark regions (the lumen).
8. Optional JPEG (PIL/libjpeg, 4:2:0, quality ``jpeg_quality``), deterministic: the capsule and the dataset store
   frames compressed.
9. The Olympus software's octagonal overlay: pixels that are black in every frame of the clip (``overlay_mask``) are
   copied from the reference (the overlay is drawn after capture: no blur or noise there).

Parameters per window (``draw_params``: ``TRAIN_RANGES`` below) and per frame (trajectory, T, defocus radius:
``draw_frames``). ``BENCHMARK`` is the held-out benchmark's setting: a fixed point of the same distribution, harder
than its median in trajectory length, exposure, defocus, light and read noise, at the median in anxiety and JPEG
quality (make_eval_clip.py; its meta.json records it). Everything is drawn from the caller's
``numpy.random.RandomState`` in a fixed order, so a seed gives the same frames again (numpy's legacy generator, FFT
convolution in float64; the JPEG step is as deterministic as the installed libjpeg).
"""

from __future__ import annotations

import io
import math
from dataclasses import asdict, dataclass

import numpy as np

NUM_T = 2000  # trajectory samples (B&F's default)

# Training distribution: one draw per window (a clip's k + 1 frames); uniform unless said otherwise.
TRAIN_RANGES = {
    'length_px': (3.0, 25.0),  # full-exposure trajectory length at 336 px (old model: 1-8 px)
    'anxiety': (0.0, 0.01),  # B&F's demo: 0.005 (their function's default draw, 0.1 U, gives tight random walks)
    'exposure': (0.25, 1.0),  # per-frame exposure fraction T of the trajectory (B&F's demo: 1/16, 1/4, 1/2, 1)
    'defocus_px': (0.0, 1.5),  # per-window maximum pillbox radius; each frame draws U(0, defocus_px)
    'electrons_white': (200.0, 2000.0),  # log-uniform: photo-electrons at the white level (gain of the AEC)
    'read_e': (2.0, 8.0),  # read noise, electrons rms
    'jpeg_quality': (70, 95),  # integer uniform; JPEG_OFF of the windows are left uncompressed
}
JPEG_OFF = 0.25


@dataclass(frozen=True)
class CapsuleParams:
    """One window's (or the benchmark clip's) degradation; see the module docstring."""

    length_px: float
    anxiety: float
    exposure: tuple[float, float]  # per-frame T ~ U(exposure)
    defocus_px: float
    electrons_white: float
    read_e: float
    jpeg_quality: int | None

    def describe(self) -> dict:
        return {k: (list(v) if isinstance(v, tuple) else v) for k, v in asdict(self).items()}


# The benchmark: a fixed, harder-than-median point of the training distribution. Quantiles in the training draw,
# severity-wise: length 0.82 (median 14 px); exposure U(0.5, 1) per frame (training U(0.25, 1)); defocus 0.67;
# electrons_white 0.30 from the dark end (median 632 e-); read noise 0.67; anxiety 0.005 (the training median and
# B&F's demo value); JPEG quality 82 (the training median). Input: 27.5 dB on the held-out clip (<= 28 dB asked).
BENCHMARK = CapsuleParams(
    length_px=21.0,
    anxiety=0.005,
    exposure=(0.5, 1.0),
    defocus_px=1.0,
    electrons_white=400.0,
    read_e=6.0,
    jpeg_quality=82,
)


def draw_params(rng: np.random.RandomState) -> CapsuleParams:
    """One window's parameters from the training distribution (TRAIN_RANGES)."""
    r = TRAIN_RANGES
    length = rng.uniform(*r['length_px'])
    anxiety = rng.uniform(*r['anxiety'])
    defocus = rng.uniform(*r['defocus_px'])
    lo, hi = r['electrons_white']
    electrons = float(math.exp(rng.uniform(math.log(lo), math.log(hi))))
    read = rng.uniform(*r['read_e'])
    q = int(rng.randint(r['jpeg_quality'][0], r['jpeg_quality'][1] + 1))
    jpeg = None if rng.rand() < JPEG_OFF else q
    return CapsuleParams(float(length), float(anxiety), r['exposure'], float(defocus), electrons, float(read), jpeg)


# ---------------------------------------------------------------------------------------------------------------------
# transfer function


def srgb_to_linear(v: np.ndarray) -> np.ndarray:
    """[0, 1] sRGB-encoded -> linear light (IEC 61966-2-1)."""
    return np.where(v <= 0.04045, v / 12.92, ((v + 0.055) / 1.055) ** 2.4)


def linear_to_srgb(v: np.ndarray) -> np.ndarray:
    v = np.clip(v, 0.0, 1.0)
    return np.where(v <= 0.0031308, 12.92 * v, 1.055 * v ** (1 / 2.4) - 0.055)


# ---------------------------------------------------------------------------------------------------------------------
# PSFs


def trajectories(rng: np.random.RandomState, n: int, length: float, anxiety: float) -> np.ndarray:
    """n random trajectories (B&F 2012), complex [n, NUM_T], each of path length ``length`` pixels."""
    centripetal = 0.7 * rng.rand(n)
    gaussian = 10.0 * rng.rand(n)
    big_shakes = 0.2 * rng.rand(n)
    angle = 2 * np.pi * rng.rand(n)
    step = length / (NUM_T - 1)
    v = np.exp(1j * angle) * (anxiety if anxiety > 0 else step)
    x = np.zeros((n, NUM_T), dtype=np.complex128)
    u_shake = rng.rand(NUM_T - 1, n)
    u_turn = rng.rand(NUM_T - 1, n)
    g = rng.standard_normal((NUM_T - 1, n)) + 1j * rng.standard_normal((NUM_T - 1, n))
    for t in range(NUM_T - 1):
        shake = np.where(u_shake[t] < big_shakes * anxiety, 2 * v * np.exp(1j * (np.pi + u_turn[t] - 0.5)), 0)
        v = v + shake + anxiety * (gaussian * g[t] - centripetal * x[:, t]) * step
        v = v / np.maximum(np.abs(v), 1e-12) * step
        x[:, t + 1] = x[:, t] + v
    return x


def path_psf(path: np.ndarray, size: int) -> np.ndarray:
    """Rasterise a complex path (x = real, y = imag) with bilinear weights, centred on its centroid, size x size."""
    p = path - path.mean()
    c = size // 2
    xs, ys = p.real + c, p.imag + c
    x0, y0 = np.floor(xs).astype(int), np.floor(ys).astype(int)
    fx, fy = xs - x0, ys - y0
    k = np.zeros((size + 1, size + 1))
    np.add.at(k, (y0, x0), (1 - fy) * (1 - fx))
    np.add.at(k, (y0, x0 + 1), (1 - fy) * fx)
    np.add.at(k, (y0 + 1, x0), fy * (1 - fx))
    np.add.at(k, (y0 + 1, x0 + 1), fy * fx)
    k = k[:size, :size]
    return k / k.sum()


def disc(radius: float) -> np.ndarray:
    """Pillbox of the given radius, anti-aliased by 8x8 supersampling, sums to 1 (odd size)."""
    half = int(math.ceil(radius))
    s = (np.arange(8) + 0.5) / 8 - 0.5
    ax = np.arange(-half, half + 1)
    yy = (ax[:, None, None, None] + s[None, None, :, None]) ** 2
    xx = (ax[None, :, None, None] + s[None, None, None, :]) ** 2
    k = ((yy + xx) <= radius * radius).mean(axis=(2, 3))
    return k / k.sum()


def _conv_full(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    h, w = a.shape[0] + b.shape[0] - 1, a.shape[1] + b.shape[1] - 1
    return np.fft.irfft2(np.fft.rfft2(a, (h, w)) * np.fft.rfft2(b, (h, w)), (h, w))


@dataclass(frozen=True)
class FrameDraws:
    """The per-frame draws of one window: PSFs (odd, same size) and what made them."""

    psfs: np.ndarray  # [k, K, K], each sums to 1
    exposure: np.ndarray  # [k] T
    defocus: np.ndarray  # [k] pillbox radius (0 = none)
    path_px: np.ndarray  # [k] path length of each PSF (T x length_px)

    @property
    def radius(self) -> int:
        return self.psfs.shape[1] // 2


def draw_frames(rng: np.random.RandomState, k: int, p: CapsuleParams) -> FrameDraws:
    paths = trajectories(rng, k, p.length_px, p.anxiety)
    exposure = rng.uniform(p.exposure[0], p.exposure[1], size=k)
    radii = rng.uniform(0.0, p.defocus_px, size=k) if p.defocus_px > 0 else np.zeros(k)
    radii = np.where(radii < 0.5, 0.0, radii)
    kernels = []
    for i in range(k):
        n = max(2, int(math.ceil(exposure[i] * NUM_T)))
        path = paths[i, :n]
        reach = float(np.max(np.abs(path - path.mean())))
        psf = path_psf(path, 2 * int(math.ceil(reach)) + 3)
        if radii[i] > 0:
            psf = np.clip(_conv_full(psf, disc(float(radii[i]))), 0.0, None)
            psf /= psf.sum()
        kernels.append(psf)
    size = max(kk.shape[0] for kk in kernels)
    psfs = np.zeros((k, size, size))
    for i, kk in enumerate(kernels):
        o = (size - kk.shape[0]) // 2
        psfs[i, o : o + kk.shape[0], o : o + kk.shape[1]] = kk
    return FrameDraws(psfs, exposure, radii, exposure * p.length_px)


# ---------------------------------------------------------------------------------------------------------------------
# sensor


def _bayer_masks(h: int, w: int) -> np.ndarray:
    """[3, h, w] RGGB: R at (even, even), G at (even, odd) and (odd, even), B at (odd, odd)."""
    m = np.zeros((3, h, w))
    m[0, 0::2, 0::2] = 1
    m[1, 0::2, 1::2] = 1
    m[1, 1::2, 0::2] = 1
    m[2, 1::2, 1::2] = 1
    return m


def _conv3(x: np.ndarray, k: np.ndarray) -> np.ndarray:
    p = np.pad(x, 1, mode='reflect')
    h, w = x.shape
    return sum(k[i, j] * p[i : i + h, j : j + w] for i in range(3) for j in range(3) if k[i, j] != 0)


_K_G = np.array([[0, 1, 0], [1, 4, 1], [0, 1, 0]]) / 4.0
_K_RB = np.array([[1, 2, 1], [2, 4, 2], [1, 2, 1]]) / 4.0


def demosaic_bilinear(raw: np.ndarray) -> np.ndarray:
    """[h, w] RGGB mosaic -> [3, h, w] by bilinear interpolation (reflect at the borders keeps the RGGB phase)."""
    m = _bayer_masks(*raw.shape)
    return np.stack([_conv3(raw * m[0], _K_RB), _conv3(raw * m[1], _K_G), _conv3(raw * m[2], _K_RB)])


def _jpeg(frame_u8: np.ndarray, quality: int) -> np.ndarray:
    from PIL import Image  # only when compressing

    buf = io.BytesIO()
    Image.fromarray(np.ascontiguousarray(frame_u8.transpose(1, 2, 0))).save(buf, format='JPEG', quality=quality)
    buf.seek(0)
    return np.asarray(Image.open(buf).convert('RGB')).transpose(2, 0, 1)


# ---------------------------------------------------------------------------------------------------------------------
# the chain


def apply(
    frames_u8: np.ndarray,
    draws: FrameDraws,
    p: CapsuleParams,
    rng: np.random.RandomState,
    keep: np.ndarray | None = None,
    margin: int = 0,
) -> np.ndarray:
    """frames_u8 [k, 3, H, W] uint8 (sRGB) -> degraded uint8 [k, 3, H - 2 margin, W - 2 margin].

    ``margin`` pixels of real context on every side feed the blur and are cut off; where the PSF reaches beyond them
    the frame is reflect-padded. ``keep`` ([H, W] bool, the clip's overlay) marks pixels copied from the input."""
    k, c, h, w = frames_u8.shape
    r = draws.radius
    pad = max(0, r - margin)
    lin = srgb_to_linear(frames_u8.astype(np.float64) / 255.0)
    if pad:
        lin = np.pad(lin, ((0, 0), (0, 0), (pad, pad), (pad, pad)), mode='reflect')
    hp, wp = lin.shape[2:]
    size = draws.psfs.shape[1]
    oh, ow = h - 2 * margin, w - 2 * margin
    off = margin + pad - r  # first valid output row/col of the full linear convolution's valid part
    fh, fw = hp + size - 1, wp + size - 1
    out = np.empty((k, c, oh, ow), dtype=np.uint8)
    for i in range(k):
        kf = np.fft.rfft2(draws.psfs[i], (fh, fw))
        full = np.fft.irfft2(np.fft.rfft2(lin[i], (fh, fw)) * kf, (fh, fw))  # [c, fh, fw]
        blurred = full[:, size - 1 + off : size - 1 + off + oh, size - 1 + off : size - 1 + off + ow]
        blurred = np.clip(blurred, 0.0, 1.0)
        raw = (blurred * _bayer_masks(oh, ow)).sum(axis=0)
        electrons = rng.poisson(raw * p.electrons_white).astype(np.float64)
        electrons += p.read_e * rng.standard_normal(raw.shape)
        noise = np.clip(electrons / p.electrons_white, 0.0, 1.0) - raw
        # the reference is already the camera's demosaiced output: only the noise goes through the CFA path
        rgb = blurred + demosaic_bilinear(noise)
        u8 = np.clip(np.round(linear_to_srgb(rgb) * 255.0), 0, 255).astype(np.uint8)
        if p.jpeg_quality is not None:
            u8 = _jpeg(u8, p.jpeg_quality)
        out[i] = u8
    if keep is not None:
        kc = keep[margin : h - margin, margin : w - margin]
        out[:, :, kc] = frames_u8[:, :, margin : h - margin, margin : w - margin][:, :, kc]
    return out


def overlay_mask(frames_u8: np.ndarray, level: int = 20) -> np.ndarray:
    """[n, H, W, 3] uint8 frames of one clip -> [H, W] bool: black (every channel <= level) in every given frame.
    For the Kvasir-Capsule clips this is the octagon's four corners (about 5 % of the frame)."""
    return np.all(frames_u8.max(axis=-1) <= level, axis=0)


def degrade_capsule(
    frames: np.ndarray,
    rng: np.random.RandomState,
    params: CapsuleParams | None = None,
    keep: np.ndarray | None = None,
    margin: int = 0,
) -> np.ndarray:
    """frames [k, 3, H, W] in model range [-1, 1] -> degraded frames in the same range, [k, 3, H - 2m, W - 2m].

    ``params`` None draws one window's parameters from the training distribution (``draw_params``); each frame then
    gets its own trajectory, exposure and defocus (``draw_frames``), and its own noise."""
    p = params if params is not None else draw_params(rng)
    draws = draw_frames(rng, frames.shape[0], p)
    u8 = np.clip(np.round((frames + 1.0) * 127.5), 0, 255).astype(np.uint8)
    out = apply(u8, draws, p, rng, keep=keep, margin=margin)
    return (out.astype(np.float32) / 127.5 - 1.0).astype(np.float32)

/** A pane's zoom and pan relative to its fitted view (Cornerstone's `getZoom()` / `getPan()`). */
export interface PaneCamera {
  readonly zoom: number;
  readonly pan: readonly [number, number];
}

/** The view a series opens with when the reader never zoomed or panned it: the whole image fitted to the pane. */
export const FITTED: PaneCamera = Object.freeze({ zoom: 1, pan: [0, 0] as const });

/** Whether a camera is (within rounding) the fitted one. */
export function isFitted(c: PaneCamera, eps = 1e-4): boolean {
  return Math.abs(c.zoom - 1) < eps && Math.abs(c.pan[0]) < eps && Math.abs(c.pan[1]) < eps;
}

/**
 * Zoom and pan per series. Cornerstone keeps a viewport's camera when its stack changes, so a CT zoomed 4.2x made the
 * next series (a capsule sequence) open as a blur: the camera belongs to a series, not to the pane. A series is left
 * with its camera (`leave`) and opens (`open`) with the camera it was left with, or fitted when it never was zoomed
 * or panned.
 */
export class CameraMemory {
  private readonly cameras = new Map<string, PaneCamera>();

  /** Remembers how a series was left; a fitted series is forgotten (it opens fitted anyway). */
  leave(key: string, camera: PaneCamera): void {
    if (isFitted(camera)) this.cameras.delete(key);
    else this.cameras.set(key, { zoom: camera.zoom, pan: [camera.pan[0], camera.pan[1]] });
  }

  /** The camera a series opens with. */
  open(key: string): PaneCamera {
    return this.cameras.get(key) ?? FITTED;
  }
}

/** A window (VOI range, in modality units: HU for CT) the reader set on a series. */
export interface PaneWindow {
  readonly lower: number;
  readonly upper: number;
}

/**
 * Window/level per series, like zoom and pan: a preset or a window/level drag on a series comes back with it (the lung
 * window set on a CT is there again after another series was opened), and a series the reader never windowed opens
 * with its own default window. `leave` takes the window only when the reader set it (undefined: the default, which is
 * then forgotten).
 */
export class WindowMemory {
  private readonly windows = new Map<string, PaneWindow>();

  leave(key: string, window: PaneWindow | undefined): void {
    if (window && Number.isFinite(window.lower) && Number.isFinite(window.upper) && window.upper > window.lower)
      this.windows.set(key, { lower: window.lower, upper: window.upper });
    else this.windows.delete(key);
  }

  /** The window a series opens with, or undefined: its default. */
  open(key: string): PaneWindow | undefined {
    return this.windows.get(key);
  }
}

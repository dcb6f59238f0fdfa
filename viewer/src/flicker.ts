import { cache, Enums, imageLoader, type Types } from '@cornerstonejs/core';
import type { Review } from './review.js';

/** The flicker period (each image's time on screen), in ms: 250 ms each = 2 Hz. */
export const FLICKER_PERIOD_MS = Object.freeze({ min: 100, max: 1000, default: 250 });

/** Which image the restored pane shows while flickering. */
export type FlickerImage = 'original' | 'restored';

export interface FlickerState {
  readonly on: boolean;
  readonly periodMs: number;
  readonly showing: FlickerImage;
  /** The restored pane's slice has an original slice paired with it (else it stays on the restored image). */
  readonly paired: boolean;
  /** The image id on the restored pane's canvas (the paired original's while it shows the original). */
  readonly displayedImageId?: string;
}

/** A period within FLICKER_PERIOD_MS (whole ms; the default for anything that is not a number). */
export function clampFlickerPeriod(ms: number): number {
  if (!Number.isFinite(ms)) return FLICKER_PERIOD_MS.default;
  return Math.round(Math.max(FLICKER_PERIOD_MS.min, Math.min(FLICKER_PERIOD_MS.max, ms)));
}

/**
 * The flicker mode: the restored pane alternates between its restored slice and the **paired** original slice
 * (Review's pairing: by position, or by index) every `periodMs`, so a reader sees what changed in place. The image
 * object is swapped in the pane's own viewport (`renderImageObject`): slice, VOI, zoom and pan stay as they are, and
 * the stack does not change (no slice event reaches the sync). A slice without a paired original, a pane that is
 * covered (a frame not yet arrived, no restored slice at the original's position) or the difference mode is not
 * alternated. Stopping it leaves the restored image on screen. The difference mode turns it off.
 */
export class Flicker {
  private on = false;
  private periodMs: number = FLICKER_PERIOD_MS.default;
  private showing: FlickerImage = 'restored';
  private paired = false;
  private displayed?: string;
  private timer?: ReturnType<typeof setTimeout>;
  /** When the next swap is due (performance.now()), so the rate stays steady whatever a swap costs. */
  private due = 0;
  /** Bumped by every swap, start and stop: a late image load does not override a newer decision. */
  private token = 0;
  /** Called with every change (UI, badge). */
  onChange: (state: FlickerState) => void = () => undefined;

  /** @param leaveDifference - switches the review (and its UI) back from the difference mode before flicker starts */
  constructor(
    private readonly review: Review,
    private readonly leaveDifference: () => Promise<void>,
  ) {
    review.on('mode', () => {
      if (review.current.mode === 'difference') void this.stop();
    });
    review.on('original', () => void this.stop());
    // A new slice (scroll, sync, cine) or stack in the restored pane shows its restored image.
    review.element('restored').addEventListener(Enums.Events.STACK_NEW_IMAGE, () => {
      this.showing = 'restored';
      this.displayed = this.viewport().getCurrentImageId();
      this.paired = this.pairedOriginal() !== undefined;
      this.emit();
    });
  }

  get state(): FlickerState {
    return {
      on: this.on,
      periodMs: this.periodMs,
      showing: this.showing,
      paired: this.paired,
      displayedImageId: this.displayed,
    };
  }

  async toggle(): Promise<void> {
    if (this.on) await this.stop();
    else await this.start();
  }

  /**
   * Starts alternating (the first swap, to the original, is one period away); leaves the difference mode first.
   * Nothing to alternate before a restoration is shown.
   */
  async start(): Promise<void> {
    if (this.on || this.review.current.source === 'none') return;
    if (this.review.current.mode === 'difference') await this.leaveDifference();
    this.on = true;
    this.showing = 'restored';
    this.displayed = this.viewport().getCurrentImageId();
    this.paired = this.pairedOriginal() !== undefined;
    this.due = performance.now();
    this.schedule();
    this.emit();
  }

  /** Stops alternating; the restored image is shown again. */
  async stop(): Promise<void> {
    if (!this.on) return;
    this.on = false;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.emit();
    if (this.showing === 'original') await this.show('restored');
  }

  /** The time each image stays on screen, clamped to FLICKER_PERIOD_MS; takes effect from the next swap. */
  setPeriod(ms: number): void {
    this.periodMs = clampFlickerPeriod(ms);
    if (this.on) {
      clearTimeout(this.timer);
      this.due = performance.now();
      this.schedule();
    }
    this.emit();
  }

  private schedule(): void {
    const now = performance.now();
    // Fallen behind by more than a period (a busy machine): restart the beat instead of swapping in a burst.
    this.due = this.due + this.periodMs < now ? now + this.periodMs : this.due + this.periodMs;
    this.timer = setTimeout(() => void this.tick(), Math.max(0, this.due - now));
  }

  private async tick(): Promise<void> {
    if (!this.on) return;
    this.schedule();
    await this.show(this.showing === 'original' ? 'restored' : 'original');
  }

  private viewport(): Types.IStackViewport {
    return this.review.viewport('restored');
  }

  /** The original image paired with the restored pane's slice, or undefined (none, or nothing to alternate with). */
  private pairedOriginal(): string | undefined {
    const vp = this.viewport();
    if (!vp.getCurrentImageId() || this.review.current.mode !== 'restored') return undefined;
    const o = this.review.pairedIndex(1, vp.getCurrentImageIdIndex());
    return o === undefined ? undefined : this.review.originalStack?.imageIds[o];
  }

  /** Puts the restored slice's own image, or its paired original, on the restored pane (same VOI and camera). */
  private async show(which: FlickerImage): Promise<void> {
    const vp = this.viewport();
    const restoredId = vp.getCurrentImageId();
    if (!restoredId) return;
    const originalId = this.pairedOriginal();
    this.paired = originalId !== undefined;
    const covered = this.review.pendingSlice() !== undefined || this.review.unpairedSlice() !== undefined;
    const target: FlickerImage = which === 'original' && originalId && !covered ? 'original' : 'restored';
    const imageId = target === 'original' ? originalId! : restoredId;
    if (imageId === vp.getCornerstoneImage()?.imageId) {
      this.showing = target;
      this.displayed = imageId;
      this.emit();
      return;
    }
    const token = ++this.token;
    let image: Types.IImage;
    try {
      image = cache.getImage(imageId) ?? (await imageLoader.loadAndCacheImage(imageId));
    } catch {
      return; // Not loadable: the pane keeps what it shows (the loader logs the error).
    }
    // Stopped, swapped again, or another slice or stack meanwhile: this image is no longer wanted.
    if (token !== this.token || vp.getCurrentImageId() !== restoredId) return;
    if (target === 'original' && !this.on) return;
    // The pane's window, not the swapped image's own: set as the viewport's property (kept across images), before
    // and after the swap, without events (nothing changes for the sync or the corner text).
    const range = vp.getProperties().voiRange;
    const voiRange = range && { lower: range.lower, upper: range.upper };
    if (voiRange) vp.setProperties({ voiRange }, true);
    vp.renderImageObject(image);
    if (voiRange) vp.setProperties({ voiRange }, true);
    vp.render();
    this.showing = target;
    this.displayed = imageId;
    this.emit();
  }

  private emit(): void {
    this.onChange(this.state);
  }
}

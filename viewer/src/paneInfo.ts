import { Enums } from '@cornerstonejs/core';
import type { PaneId, Review } from './review.js';

export interface PaneInfoOptions {
  /** Text after slice and window (the restored pane: its source, strength). */
  readonly extra?: () => string;
  /**
   * Whether the viewport's stack is what the pane shows now. A pane whose new stack is not set yet (a new series, a
   * stream whose first frame has not arrived) still holds the previous one: its slice and window are not this
   * series'.
   */
  readonly current?: () => boolean;
  /** What an image of the pane is called before its n/N: 'frame' for a time sequence (video), else nothing. */
  readonly unit?: () => string;
}

/**
 * The corner text of a pane: slice n/N and the window (W/L), kept current from the viewport's events and the review's
 * (a new series, a new restored stack, a cover); the returned function re-renders it (e.g. when the extra text changes).
 */
export function attachPaneInfo(
  review: Review,
  pane: PaneId,
  target: HTMLElement,
  { extra = () => '', current = () => true, unit = () => '' }: PaneInfoOptions = {},
): () => void {
  const update = (): void => {
    const vp = review.viewport(pane);
    const n = vp.getImageIds().length;
    if (n === 0 || !vp.getCurrentImageId() || !current()) {
      target.textContent = extra();
      return;
    }
    const range = vp.getProperties().voiRange;
    const wl = range
      ? `W ${Math.round(range.upper - range.lower)} / L ${Math.round((range.upper + range.lower) / 2)}`
      : '';
    const count = [unit(), `${vp.getCurrentImageIdIndex() + 1}/${n}`].filter(Boolean).join(' ');
    target.textContent = [count, wl, extra()].filter(Boolean).join(' · ');
  };
  const el = review.element(pane);
  for (const ev of [Enums.Events.STACK_NEW_IMAGE, Enums.Events.VOI_MODIFIED, Enums.Events.IMAGE_RENDERED]) {
    el.addEventListener(ev, update);
  }
  for (const ev of ['original', 'restored', 'cover'] as const) review.on(ev, update);
  return update;
}

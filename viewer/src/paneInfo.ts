import { Enums } from '@cornerstonejs/core';
import type { PaneId, Review } from './review.js';

/** The corner text of a pane: slice n/N and the window (W/L), kept current from the viewport's events. */
export function attachPaneInfo(
  review: Review,
  pane: PaneId,
  target: HTMLElement,
  extra: () => string = () => '',
): () => void {
  const update = (): void => {
    const vp = review.viewport(pane);
    const n = vp.getImageIds().length;
    if (n === 0 || !vp.getCurrentImageId()) {
      target.textContent = extra();
      return;
    }
    const range = vp.getProperties().voiRange;
    const wl = range
      ? `W ${Math.round(range.upper - range.lower)} / L ${Math.round((range.upper + range.lower) / 2)}`
      : '';
    target.textContent = [`${vp.getCurrentImageIdIndex() + 1}/${n}`, wl, extra()].filter(Boolean).join(' · ');
  };
  const el = review.element(pane);
  for (const ev of [Enums.Events.STACK_NEW_IMAGE, Enums.Events.VOI_MODIFIED, Enums.Events.IMAGE_RENDERED]) {
    el.addEventListener(ev, update);
  }
  return update;
}

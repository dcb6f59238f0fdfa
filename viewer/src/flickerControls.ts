import { FLICKER_PERIOD_MS, type Flicker, type FlickerState } from './flicker.js';

export interface FlickerElements {
  /** On / off (aria-pressed). */
  readonly toggle: HTMLButtonElement;
  /** The period, a range input in ms. */
  readonly period: HTMLInputElement;
  /** "250 ms · 2 Hz" next to it. */
  readonly rate: HTMLElement;
  /** On the restored pane while flickering: which image is on screen. */
  readonly badge: HTMLElement;
}

/** What the badge says for each image. */
export const FLICKER_BADGE: Readonly<Record<FlickerState['showing'], string>> = {
  original: 'ORIGINAL',
  restored: 'RESTORED — DERIVED',
};

/** Alternations per second: one original and one restored image per cycle. */
const hz = (periodMs: number): string => {
  const v = 1000 / (2 * periodMs);
  return `${Number.isInteger(v) ? v : v.toFixed(1)} Hz`;
};

/** The flicker button, its period slider and rate, and the badge on the restored pane. */
export class FlickerControls {
  constructor(
    private readonly flicker: Flicker,
    private readonly els: FlickerElements,
  ) {
    els.period.min = String(FLICKER_PERIOD_MS.min);
    els.period.max = String(FLICKER_PERIOD_MS.max);
    els.period.step = '50';
    els.period.value = String(flicker.state.periodMs);
    els.toggle.addEventListener('click', () => void flicker.toggle());
    els.period.addEventListener('input', () => flicker.setPeriod(Number(els.period.value)));
    this.render(flicker.state);
  }

  render(s: FlickerState): void {
    this.els.toggle.setAttribute('aria-pressed', String(s.on));
    this.els.period.value = String(s.periodMs);
    this.els.rate.textContent = `${s.periodMs} ms · ${hz(s.periodMs)}`;
    this.els.badge.hidden = !s.on;
    this.els.badge.dataset.showing = s.showing;
    this.els.badge.textContent = FLICKER_BADGE[s.showing];
    this.els.badge.title =
      s.on && !s.paired
        ? 'No original slice at this position: the restored image is not alternated'
        : 'Flicker: the restored pane alternates between the original and the restored slice';
  }
}

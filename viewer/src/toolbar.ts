import { h } from './dom.js';
import { CT_PRESETS, findPreset } from './presets.js';
import type { Review, ReviewMode } from './review.js';
import { SYNC_KINDS, type SyncKind } from './sync.js';

export interface ToolbarElements {
  readonly presets: HTMLElement;
  readonly sync: Readonly<Record<SyncKind, HTMLInputElement>>;
  readonly mode: HTMLSelectElement;
  readonly differenceRange: HTMLSelectElement;
  readonly differenceScale: HTMLElement;
  readonly restoredLabel: HTMLElement;
}

const LABELS: Readonly<Record<ReviewMode, string>> = {
  restored: 'DERIVED — restored by GSDiff, review aid',
  difference: 'DIFFERENCE restored − original (HU) — DERIVED by GSDiff, review aid',
};

/** CT presets, sync switches, the mode (restored / difference) and the difference scale. */
export class Toolbar {
  constructor(
    private readonly review: Review,
    private readonly els: ToolbarElements,
  ) {
    els.presets.replaceChildren(
      ...CT_PRESETS.map((p) =>
        h('button', { type: 'button', 'data-preset': p.id, title: `W ${p.width} / L ${p.center}` }, p.label),
      ),
    );
    els.presets.addEventListener('click', (e) => {
      const id = (e.target as HTMLElement).closest('button')?.dataset.preset;
      const preset = id ? findPreset(id) : undefined;
      if (preset) review.applyPreset(preset);
    });
    for (const kind of SYNC_KINDS) {
      const box = els.sync[kind];
      box.checked = review.sync.isOn(kind);
      box.addEventListener('change', () => review.setSync(kind, box.checked));
    }
    els.mode.addEventListener('change', () => void this.setMode(els.mode.value as ReviewMode));
    els.differenceRange.addEventListener('change', () => {
      void review.setDifferenceRange(Number(els.differenceRange.value));
      this.renderScale();
    });
    this.renderMode();
  }

  async setMode(mode: ReviewMode): Promise<void> {
    this.els.mode.value = mode;
    await this.review.setMode(mode);
    this.renderMode();
  }

  private renderMode(): void {
    const mode = this.review.current.mode;
    this.els.restoredLabel.textContent = LABELS[mode];
    this.els.differenceScale.hidden = mode !== 'difference';
    this.els.differenceRange.disabled = mode !== 'difference';
    this.els.sync.voi.disabled = mode === 'difference';
    this.els.sync.voi.title = mode === 'difference' ? 'The difference pane has its own scale' : '';
    this.renderScale();
  }

  private renderScale(): void {
    const r = this.review.current.differenceRange;
    this.els.differenceScale.replaceChildren(
      h('span', { class: 'scale-label' }, `−${r} HU`),
      h('span', { class: 'scale-bar', title: 'blue: restored lower · red: restored higher' }),
      h('span', { class: 'scale-label' }, `+${r} HU`),
    );
  }
}

import { h } from './dom.js';
import { CT_PRESETS, findPreset } from './presets.js';
import type { Review, ReviewMode } from './review.js';
import { SYNC_KINDS, type SyncKind } from './sync.js';
import { LEFT_TOOLS, type LeftTool } from './tools.js';

export interface ToolbarElements {
  readonly presets: HTMLElement;
  /** Buttons with `data-tool` (a LeftTool). */
  readonly tools: HTMLElement;
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
const COLOR_DIFFERENCE_LABEL = 'DIFFERENCE restored − original (luma) — DERIVED by GSDiff, review aid';

/** CT presets, the left button's tool, sync switches, the mode (restored / difference) and the difference scale. */
export class Toolbar {
  constructor(
    private readonly review: Review,
    private readonly els: ToolbarElements,
  ) {
    els.presets.replaceChildren(
      ...CT_PRESETS.map((p) =>
        h(
          'button',
          {
            type: 'button',
            'data-preset': p.id,
            'data-title': `W ${p.width} / L ${p.center}`,
            title: `W ${p.width} / L ${p.center}`,
          },
          p.label,
        ),
      ),
    );
    els.presets.addEventListener('click', (e) => {
      const id = (e.target as HTMLElement).closest('button')?.dataset.preset;
      const preset = id ? findPreset(id) : undefined;
      if (preset) review.applyPreset(preset);
    });
    els.tools.addEventListener('click', (e) => {
      const tool = (e.target as HTMLElement).closest('button')?.dataset.tool as LeftTool | undefined;
      if (tool && LEFT_TOOLS.includes(tool)) this.setTool(tool);
    });
    for (const kind of SYNC_KINDS) {
      const box = els.sync[kind];
      box.checked = review.sync.isOn(kind);
      box.addEventListener('change', () => review.setSync(kind, box.checked));
    }
    review.on('original', () => this.refresh());
    els.mode.addEventListener('change', () => void this.setMode(els.mode.value as ReviewMode));
    // A scale is only the difference view's: picking one shows that view at it (a selector that silently did
    // nothing until the view was on confused a newcomer).
    els.differenceRange.title = 'Scale of the difference view (shows it)';
    els.differenceRange.addEventListener('change', () => {
      void review.setDifferenceRange(Number(els.differenceRange.value)).then(() => {
        if (review.current.mode !== 'difference') return this.setMode('difference');
        this.renderScale();
      });
    });
    this.renderMode();
  }

  /** Puts a tool on the left button and marks its button. */
  setTool(tool: LeftTool): void {
    this.review.setLeftTool(tool);
    for (const b of this.els.tools.querySelectorAll('button')) {
      b.setAttribute('aria-pressed', String(b.dataset.tool === tool));
    }
  }

  /** Switches a sync kind as its checkbox would. */
  toggleSync(kind: SyncKind): void {
    const on = !this.review.sync.isOn(kind);
    this.els.sync[kind].checked = on;
    this.review.setSync(kind, on);
  }

  /** After a new original series: CT presets only apply to grey images. */
  refresh(): void {
    const color = this.review.current.color;
    for (const b of this.els.presets.querySelectorAll('button')) {
      b.disabled = color;
      b.title = color ? 'CT presets do not apply to colour images' : (b.dataset.title ?? '');
    }
    for (const o of this.els.differenceRange.querySelectorAll('option')) {
      o.textContent = `±${o.value}${color ? '' : ' HU'}`;
    }
    this.renderMode();
  }

  async setMode(mode: ReviewMode): Promise<void> {
    this.els.mode.value = mode;
    await this.review.setMode(mode);
    this.renderMode();
  }

  private renderMode(): void {
    const mode = this.review.current.mode;
    this.els.restoredLabel.textContent =
      mode === 'difference' && this.review.current.color ? COLOR_DIFFERENCE_LABEL : LABELS[mode];
    this.els.differenceScale.hidden = mode !== 'difference';
    this.els.sync.voi.disabled = mode === 'difference';
    this.els.sync.voi.title = mode === 'difference' ? 'The difference pane has its own scale' : '';
    this.renderScale();
  }

  private renderScale(): void {
    const r = this.review.current.differenceRange;
    const unit = this.review.current.color ? ' grey levels' : ' HU';
    this.els.differenceScale.replaceChildren(
      h('span', { class: 'scale-label' }, `−${r}${unit}`),
      h('span', { class: 'scale-bar', title: 'blue: restored lower · red: restored higher' }),
      h('span', { class: 'scale-label' }, `+${r}${unit}`),
    );
  }
}

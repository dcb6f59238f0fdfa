import { h } from './dom.js';
import type { Measurement, Measurements, PaneMeasurement } from './measurements.js';
import type { Review } from './review.js';

export interface MeasurementPanelElements {
  readonly list: HTMLUListElement;
  readonly clear: HTMLButtonElement;
}

const KIND_LABEL: Readonly<Record<Measurement['kind'], string>> = {
  length: 'Length',
  ellipse: 'Ellipse ROI',
  rectangle: 'Rectangle ROI',
};

const num = (v: number): string => (Math.abs(v) >= 1000 ? v.toFixed(0) : v.toFixed(1));

function describe(m: PaneMeasurement | undefined): string {
  if (!m) return 'no paired slice';
  if (m.length !== undefined) return `${num(m.length)} ${m.lengthUnit ?? ''}`.trim();
  if (!m.stats) return 'no pixel inside';
  const unit = m.valueUnit ? ` ${m.valueUnit}` : '';
  return `mean ${num(m.stats.mean)}${unit}, SD ${num(m.stats.sd)}${unit} (n ${m.stats.n})`;
}

/**
 * The measurement list under the panes: per measurement, the original's and the restored pane's values side by
 * side and, for ROIs, the ratio of their SDs (restored / original: below 1 = less noise in the restored image).
 */
export class MeasurementPanel {
  constructor(
    private readonly measurements: Measurements,
    private readonly review: Review,
    private readonly els: MeasurementPanelElements,
  ) {
    els.clear.addEventListener('click', () => measurements.clear());
    this.render(measurements.list());
  }

  render(list: readonly Measurement[]): void {
    this.els.clear.disabled = list.length === 0;
    if (list.length === 0) {
      this.els.list.replaceChildren(
        h('li', { class: 'empty' }, 'No measurements: pick Length, Ellipse or Rectangle (L, E, R) and drag on a pane.'),
      );
      return;
    }
    const right = this.review.current.mode === 'difference' ? 'difference' : 'restored';
    this.els.list.replaceChildren(
      ...list.map((m) => {
        const slice = m.original ? `slice ${m.original.index + 1}` : `restored slice ${(m.restored?.index ?? 0) + 1}`;
        const o = m.original?.stats;
        const r = m.restored?.stats;
        const ratio = right === 'restored' && o && r && o.sd > 0 ? `SD ratio ${(r.sd / o.sd).toFixed(2)}` : '';
        const remove = h('button', { type: 'button', class: 'remove', title: 'Remove' }, '×');
        remove.addEventListener('click', () => this.measurements.remove(m.id));
        return h(
          'li',
          { 'data-measurement': m.id, 'data-kind': m.kind },
          h('span', { class: 'title' }, `#${m.id} ${KIND_LABEL[m.kind]} · ${slice}`),
          h('span', { class: 'm-original' }, `original: ${describe(m.original)}`),
          h('span', { class: 'm-restored' }, `${right}: ${describe(m.restored)}`),
          ratio && h('span', { class: 'm-ratio' }, ratio),
          remove,
        );
      }),
    );
  }
}

import { CINE_SPEEDS, type Cine, type CineState } from './cine.js';
import { h } from './dom.js';

export interface CineElements {
  readonly play: HTMLButtonElement;
  readonly speed: HTMLSelectElement;
  readonly loop: HTMLInputElement;
  /** The rate: the series' own, where it came from, the target and the achieved rate while playing. */
  readonly rate: HTMLElement;
}

const SOURCE_LABEL: Readonly<Record<CineState['rate']['source'], string>> = {
  FrameTime: 'FrameTime',
  RecommendedDisplayFrameRate: 'recommended rate',
  CineRate: 'CineRate',
  default: 'default, the series states none',
};

/** One decimal below 10 fps, whole numbers above. */
const fps = (v: number): string => (v < 10 ? v.toFixed(1) : v.toFixed(0));

/** The cine bar: play / pause, speed, loop and the rate line. `render` is called with every state change. */
export class CineControls {
  constructor(
    private readonly cine: Cine,
    private readonly els: CineElements,
  ) {
    els.speed.replaceChildren(...CINE_SPEEDS.map((s) => h('option', { value: String(s), selected: s === 1 }, `${s}×`)));
    els.play.addEventListener('click', () => cine.toggle());
    els.speed.addEventListener('change', () => cine.setSpeed(Number(els.speed.value)));
    els.loop.checked = cine.state.loop;
    els.loop.addEventListener('change', () => cine.setLoop(els.loop.checked));
    this.render(cine.state);
  }

  /** One speed step slower (−1) or faster (+1). */
  stepSpeed(direction: -1 | 1): void {
    const i = CINE_SPEEDS.indexOf(this.cine.state.speed);
    const next = CINE_SPEEDS[Math.max(0, Math.min(CINE_SPEEDS.length - 1, (i < 0 ? 2 : i) + direction))];
    this.cine.setSpeed(next);
  }

  render(s: CineState): void {
    this.els.play.textContent = s.playing ? '❚❚' : '▶';
    this.els.play.dataset.playing = String(s.playing);
    this.els.play.title = s.playing ? 'Pause (Space)' : 'Play (Space)';
    this.els.speed.value = String(s.speed);
    this.els.loop.checked = s.loop;
    const own =
      s.rate.source === 'FrameTime'
        ? `${fps(s.rate.fps)} fps (FrameTime ${(1000 / s.rate.fps).toFixed(0)} ms)`
        : `${fps(s.rate.fps)} fps (${SOURCE_LABEL[s.rate.source]})`;
    const target = s.speed === 1 ? '' : ` → ${fps(s.targetFps)} fps`;
    // The panes' own time only when it, not the rate, sets the pace: that is why the achieved rate is lower.
    const slow =
      s.frameMs !== undefined && s.frameMs > 1000 / s.targetFps ? ` · panes ${s.frameMs.toFixed(0)} ms a frame` : '';
    const shown = s.playing && s.achievedFps !== undefined ? ` · showing ${fps(s.achievedFps)} fps${slow}` : '';
    this.els.rate.textContent = `${own}${target}${shown}`;
  }
}

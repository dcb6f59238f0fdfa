import type { DicomJsonDataset } from '../../wire/index.js';
import { numberValue, TAG } from './dicomJson.js';

/** The cine rate when a series states none (CT stacks, most single-frame series). */
export const DEFAULT_CINE_FPS = 10;
/** Playback speeds offered, as multiples of the series' own rate. */
export const CINE_SPEEDS: readonly number[] = Object.freeze([0.25, 0.5, 1, 2, 4]);

/** A series' cine rate and where it came from. */
export interface FrameRate {
  readonly fps: number;
  readonly source: 'FrameTime' | 'RecommendedDisplayFrameRate' | 'CineRate' | 'default';
}

/**
 * The rate a series is meant to be played at: FrameTime (0018,1063, ms between frames: real time at 1x; the most
 * precise, a DS), else RecommendedDisplayFrameRate (0008,2144), else CineRate (0018,0040), else DEFAULT_CINE_FPS.
 * @example frameRateOf({ '00181063': { vr: 'DS', Value: [125] } })  // { fps: 8, source: 'FrameTime' }
 */
export function frameRateOf(ds: DicomJsonDataset | undefined): FrameRate {
  const positive = (v: number | undefined): v is number => v !== undefined && Number.isFinite(v) && v > 0;
  const frameTime = ds && numberValue(ds, TAG.FrameTime);
  if (positive(frameTime)) return { fps: 1000 / frameTime, source: 'FrameTime' };
  const recommended = ds && numberValue(ds, TAG.RecommendedDisplayFrameRate);
  if (positive(recommended)) return { fps: recommended, source: 'RecommendedDisplayFrameRate' };
  const cineRate = ds && numberValue(ds, TAG.CineRate);
  if (positive(cineRate)) return { fps: cineRate, source: 'CineRate' };
  return { fps: DEFAULT_CINE_FPS, source: 'default' };
}

export interface CineState {
  readonly playing: boolean;
  readonly rate: FrameRate;
  readonly speed: number;
  readonly loop: boolean;
  /** rate.fps x speed. */
  readonly targetFps: number;
  /** Frames per second actually shown over the last two seconds of playback (undefined before two frames). */
  readonly achievedFps?: number;
  /** Frames advanced since play. */
  readonly frames: number;
}

/** Moves the review one frame on (wrapping at the end when `wrap`); false when there was no frame to go to. */
export type CineAdvance = (wrap: boolean) => Promise<boolean>;

/**
 * The cine player: advances the review one frame per 1 / (rate x speed) seconds. Each advance is awaited (both
 * panes have their image before the next one is asked for), so playback never drops frames and never runs ahead of
 * the panes: when loading is slower than the rate, the achieved rate is lower and says so. Two frames are never less
 * than half a frame time apart: after falling behind it does not catch up in a burst.
 */
export class Cine {
  private run = 0;
  private current: CineState = {
    playing: false,
    rate: { fps: DEFAULT_CINE_FPS, source: 'default' },
    speed: 1,
    loop: true,
    targetFps: DEFAULT_CINE_FPS,
    frames: 0,
  };
  private shown: number[] = [];
  /** Called with every state change (play, pause, rate, speed, loop, each frame). */
  onChange: (state: CineState) => void = () => undefined;

  constructor(
    private readonly advance: CineAdvance,
    private readonly now: () => number = () => performance.now(),
  ) {}

  get state(): CineState {
    return this.current;
  }

  /** The rate of the series now reviewed (stops playback: a new series starts paused). */
  setRate(rate: FrameRate): void {
    this.pause();
    this.update({ rate, targetFps: rate.fps * this.current.speed, achievedFps: undefined, frames: 0 });
  }

  setSpeed(speed: number): void {
    if (!(speed > 0)) return;
    this.update({ speed, targetFps: this.current.rate.fps * speed });
  }

  setLoop(loop: boolean): void {
    this.update({ loop });
  }

  toggle(): void {
    if (this.current.playing) this.pause();
    else this.play();
  }

  play(): void {
    if (this.current.playing) return;
    const run = ++this.run;
    this.shown = [];
    this.update({ playing: true, frames: 0, achievedFps: undefined });
    void this.loop(run);
  }

  pause(): void {
    this.run++;
    if (this.current.playing) this.update({ playing: false });
  }

  private async loop(run: number): Promise<void> {
    let due = this.now() + 1000 / this.current.targetFps;
    while (run === this.run) {
      const wait = due - this.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      if (run !== this.run) return;
      let moved: boolean;
      try {
        moved = await this.advance(this.current.loop);
      } catch {
        moved = false;
      }
      if (run !== this.run) return;
      if (!moved) {
        this.pause();
        return;
      }
      const t = this.now();
      this.shown.push(t);
      while (this.shown.length > 2 && t - this.shown[0] > 2000) this.shown.shift();
      const span = t - this.shown[0];
      this.update({
        frames: this.current.frames + 1,
        achievedFps: this.shown.length > 1 && span > 0 ? ((this.shown.length - 1) * 1000) / span : undefined,
      });
      // Keep the schedule (the average rate is the target) while less than half a frame late; later than that,
      // start it again from now rather than catch up with a burst of frames.
      const interval = 1000 / this.current.targetFps;
      due += interval;
      if (due < t + interval / 2) due = t + interval;
    }
  }

  private update(change: Partial<CineState>): void {
    this.current = { ...this.current, ...change };
    this.onChange(this.current);
  }
}

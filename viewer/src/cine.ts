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
  /** How long the panes took to show a frame (load and render), the median of the last three; undefined before one. */
  readonly frameMs?: number;
}

/** Moves the review one frame on (wrapping at the end when `wrap`); false when there was no frame to go to. */
export type CineAdvance = (wrap: boolean) => Promise<boolean>;

/** Time for the cine: a clock and a timer (the test gives a simulated one). */
export interface CineClock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

const REAL_CLOCK: CineClock = {
  now: () => performance.now(),
  sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
};

/** How many recent advances the lead and `frameMs` look at. */
const RECENT = 3;

/**
 * The cine player: shows the review one frame on per 1 / (rate x speed) seconds. Each advance is awaited (both
 * panes have their image before the next one is asked for), so playback never drops frames and never runs ahead of
 * the panes: when the panes take longer than a frame time, frames follow each other as fast as the panes allow,
 * the achieved rate is lower and says so, and `frameMs` says why. An advance starts early by the panes' fastest
 * recent time, so that a frame appears when it is due, not a whole advance later. After a late frame the next is
 * aimed one frame time after it: it does not catch up in a burst.
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
    private readonly clock: CineClock = REAL_CLOCK,
  ) {}

  get state(): CineState {
    return this.current;
  }

  /** The rate of the series now reviewed (stops playback: a new series starts paused). */
  setRate(rate: FrameRate): void {
    this.pause();
    this.update({
      rate,
      targetFps: rate.fps * this.current.speed,
      achievedFps: undefined,
      frameMs: undefined,
      frames: 0,
    });
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
    this.update({ playing: true, frames: 0, achievedFps: undefined, frameMs: undefined });
    void this.loop(run);
  }

  pause(): void {
    this.run++;
    if (this.current.playing) this.update({ playing: false });
  }

  private async loop(run: number): Promise<void> {
    const { clock } = this;
    // When the next frame should appear, and how long the last few advances took.
    let aim = clock.now() + 1000 / this.current.targetFps;
    const took: number[] = [];
    while (run === this.run) {
      // Start early by the fastest recent advance (a conservative guess: one slow load does not pull frames early).
      const lead = took.length > 0 ? Math.min(...took) : 0;
      const wait = aim - lead - clock.now();
      if (wait > 0) await clock.sleep(wait);
      if (run !== this.run) return;
      const start = clock.now();
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
      const t = clock.now();
      took.push(t - start);
      if (took.length > RECENT) took.shift();
      this.shown.push(t);
      while (this.shown.length > 2 && t - this.shown[0] > 2000) this.shown.shift();
      const span = t - this.shown[0];
      this.update({
        frames: this.current.frames + 1,
        achievedFps: this.shown.length > 1 && span > 0 ? ((this.shown.length - 1) * 1000) / span : undefined,
        frameMs: median(took),
      });
      // Keep the schedule (the average rate is the target) while less than half a frame late; later than that,
      // aim one frame time after this frame rather than catch up with a burst.
      const interval = 1000 / this.current.targetFps;
      aim += interval;
      if (aim < t + interval / 2) aim = t + interval;
    }
  }

  private update(change: Partial<CineState>): void {
    this.current = { ...this.current, ...change };
    this.onChange(this.current);
  }
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

import { Enums, RenderingEngine, type Types } from '@cornerstonejs/core';
import type { DifferenceImages } from './differenceImages.js';
import { presetVoiRange, type CtPreset } from './presets.js';
import type { SeriesStack } from './seriesStack.js';
import type { StreamImages } from './streamImages.js';
import { PaneSync, type SyncKind } from './sync.js';
import { attachTools } from './tools.js';

export type PaneId = 'original' | 'restored';
/** What the restored pane's stack comes from. */
export type RestoredSource = 'none' | 'stream' | 'derived';
/** The right pane shows the restored images, or restored − original colour-mapped. */
export type ReviewMode = 'restored' | 'difference';

export const RENDERING_ENGINE_ID = 'gsdiff-review';
export const VIEWPORT_IDS: Readonly<Record<PaneId, string>> = {
  original: 'gsdiff-original',
  restored: 'gsdiff-restored',
};
/** The diverging colour map of the difference mode (vtk.js preset): blue = restored lower, red = restored higher. */
export const DIFFERENCE_COLORMAP = 'Cool to Warm';

export interface ReviewElements {
  readonly original: HTMLDivElement;
  readonly restored: HTMLDivElement;
}

/** What the review shows, for the UI and the test hook. */
export interface ReviewStatus {
  readonly originalSeries?: string;
  readonly source: RestoredSource;
  readonly jobId?: string;
  readonly derivedSeries?: string;
  readonly mode: ReviewMode;
  readonly differenceRange: number;
}

/**
 * The review layout: original | restored as two Cornerstone StackViewports in one rendering engine, one tool group,
 * and PaneSync between them. The restored pane shows frames streamed from a running job, then the stored derived
 * series once the job is done, or (difference mode) restored − original.
 */
export class Review {
  readonly engine: RenderingEngine;
  readonly sync: PaneSync;
  private original?: SeriesStack;
  private restoredIds: string[] = [];
  private status: ReviewStatus = { source: 'none', mode: 'restored', differenceRange: 100 };
  /** Bumped by every restored-pane change, so a late stack load does not apply stale display settings. */
  private generation = 0;
  private colormapped = false;
  /**
   * A restored slice waiting for its streamed frame. Loads are not left waiting inside Cornerstone's request pool
   * (six interaction slots shared by both panes): the slice is shown when its frame arrives. `stack`: the restored
   * stack itself is not set yet.
   */
  private pending?: { readonly index: number; readonly stack: boolean };
  /** Called when `pendingSlice()` changes. */
  onPendingChange: () => void = () => undefined;

  constructor(
    private readonly elements: ReviewElements,
    private readonly streams: StreamImages,
    private readonly differences: DifferenceImages,
  ) {
    this.engine = new RenderingEngine(RENDERING_ENGINE_ID);
    this.engine.setViewports(
      (Object.keys(VIEWPORT_IDS) as PaneId[]).map((pane) => ({
        viewportId: VIEWPORT_IDS[pane],
        type: Enums.ViewportType.STACK,
        element: elements[pane],
        defaultOptions: { background: [0, 0, 0] as Types.Point3 },
      })),
    );
    attachTools(RENDERING_ENGINE_ID, Object.values(VIEWPORT_IDS));
    this.sync = new PaneSync(
      [
        { element: elements.original, viewport: () => this.viewport('original') },
        { element: elements.restored, viewport: () => this.viewport('restored') },
      ],
      {
        linked: () => this.restoredIds.length > 0,
        showIndex: (pane, index) => pane === 0 || this.mayShow(index),
      },
    );
    this.sync.attach();
  }

  viewport(pane: PaneId): Types.IStackViewport {
    return this.engine.getViewport(VIEWPORT_IDS[pane]) as Types.IStackViewport;
  }

  element(pane: PaneId): HTMLDivElement {
    return this.elements[pane];
  }

  get current(): ReviewStatus {
    return this.status;
  }

  get originalStack(): SeriesStack | undefined {
    return this.original;
  }

  /**
   * While following a job: the slice the restored pane should show but whose frame has not arrived yet (the pane keeps
   * its previous image meanwhile, so the page covers it), or undefined.
   */
  pendingSlice(): number | undefined {
    return this.pending?.index;
  }

  /** A frame arrived (App, after StreamImages.put): shows it when the restored pane is waiting for it. */
  frameArrived(imageId: string): void {
    const p = this.pending;
    if (!p || this.restoredIds[p.index] !== imageId) return;
    this.setPending(undefined);
    if (p.stack) void this.applyRestored();
    else
      void this.viewport('restored')
        .setImageIdIndex(p.index)
        .catch(() => undefined);
  }

  /** Shows a series in the original pane; the restored pane is emptied until a job is opened. */
  async showOriginal(stack: SeriesStack): Promise<void> {
    this.original = stack;
    this.restoredIds = [];
    this.setPending(undefined);
    this.generation++;
    this.differences.clear();
    this.status = {
      ...this.status,
      originalSeries: stack.seriesInstanceUid,
      source: 'none',
      jobId: undefined,
      derivedSeries: undefined,
    };
    const vp = this.viewport('original');
    await this.sync.mute(0, () => vp.setStack([...stack.imageIds], Math.floor(stack.imageIds.length / 2)));
    vp.render();
  }

  /**
   * Follows a running job: the restored pane gets one stream image id per original frame; frames show as they
   * arrive. Returns at once (the current slice's frame may not be there yet).
   */
  showStream(jobId: string): void {
    if (!this.original) return;
    this.restoredIds = this.streams.define(jobId, this.original);
    this.status = { ...this.status, source: 'stream', jobId, derivedSeries: undefined };
    void this.applyRestored();
  }

  /** Replaces streamed frames (or nothing) by the stored derived series, keeping slice, window and camera. */
  async showDerived(jobId: string, derived: SeriesStack): Promise<void> {
    const previous = this.status;
    this.restoredIds = [...derived.imageIds];
    this.status = { ...this.status, source: 'derived', jobId, derivedSeries: derived.seriesInstanceUid };
    await this.applyRestored();
    if (previous.source === 'stream' && previous.jobId) this.streams.forget(previous.jobId);
  }

  async setMode(mode: ReviewMode): Promise<void> {
    if (mode === this.status.mode) return;
    this.status = { ...this.status, mode };
    await this.applyRestored();
  }

  /** The half-width of the difference colour scale, in HU. */
  async setDifferenceRange(hu: number): Promise<void> {
    this.status = { ...this.status, differenceRange: hu };
    if (this.status.mode === 'difference' && this.restoredIds.length > 0) {
      const vp = this.viewport('restored');
      vp.setProperties({ voiRange: { lower: -hu, upper: hu } });
      vp.render();
    }
  }

  setSync(kind: SyncKind, on: boolean): void {
    this.sync.set(kind, on);
  }

  /** A CT window on both panes (only the original in difference mode, whose pane has its own scale). */
  applyPreset(preset: CtPreset): void {
    const voiRange = presetVoiRange(preset);
    const panes: PaneId[] = this.status.mode === 'difference' ? ['original'] : ['original', 'restored'];
    for (const pane of panes) {
      const vp = this.viewport(pane);
      if (!vp.getCurrentImageId()) continue;
      vp.setProperties({ voiRange });
      vp.render();
    }
  }

  resize(): void {
    this.engine.resize(true, true);
  }

  /** Whether the restored pane can go to `index` now; otherwise it waits for that frame (see `pending`). */
  private mayShow(index: number): boolean {
    if (this.status.source !== 'stream') return true;
    const arrived = this.streams.has(this.restoredIds[index] ?? '');
    if (this.pending?.stack) {
      // No stack yet: (re)build it at the new slice once that slice's frame is here.
      this.setPending(arrived ? undefined : { index, stack: true });
      if (arrived) void this.applyRestored();
      return false;
    }
    this.setPending(arrived ? undefined : { index, stack: false });
    return arrived;
  }

  private setPending(p: { readonly index: number; readonly stack: boolean } | undefined): void {
    const changed = p?.index !== this.pending?.index || p?.stack !== this.pending?.stack;
    this.pending = p;
    if (changed) this.onPendingChange();
  }

  private async applyRestored(): Promise<void> {
    const original = this.original;
    if (!original || this.restoredIds.length === 0) return;
    const generation = ++this.generation;
    const difference = this.status.mode === 'difference';
    this.sync.voiSuspended = difference;
    const vp = this.viewport('restored');
    const index = Math.max(
      0,
      Math.min(this.viewport('original').getCurrentImageIdIndex(), this.restoredIds.length - 1),
    );
    if (this.status.source === 'stream' && !this.streams.has(this.restoredIds[index])) {
      this.setPending({ index, stack: true });
      return;
    }
    this.setPending(undefined);
    const ids = difference ? this.differences.define(original.imageIds, this.restoredIds) : this.restoredIds;
    try {
      await this.sync.mute(1, () => vp.setStack([...ids], Math.min(index, ids.length - 1)));
    } catch {
      // An image that could not be loaded: the pane keeps what it shows; the error is on the console.
    }
    if (generation !== this.generation) return;
    if (difference) {
      const r = this.status.differenceRange;
      vp.setProperties({ colormap: { name: DIFFERENCE_COLORMAP }, voiRange: { lower: -r, upper: r } });
      this.colormapped = true;
    } else if (this.colormapped) {
      vp.setProperties({ colormap: { name: 'Grayscale' } });
      this.colormapped = false;
    }
    this.sync.copyAll(0);
    vp.render();
  }
}

import { Enums, RenderingEngine, type Types } from '@cornerstonejs/core';
import { CameraMemory, isFitted, WindowMemory, type PaneCamera, type PaneWindow } from './cameraMemory.js';
import type { DifferenceImages } from './differenceImages.js';
import { guardEmptyPane } from './emptyPaneGuard.js';
import { pairByIndex, pairSlices, pairWithSubset, type SlicePairing } from './pairing.js';
import { presetVoiRange, type CtPreset } from './presets.js';
import type { SeriesStack } from './seriesStack.js';
import type { StreamImages } from './streamImages.js';
import { streamStartIndex } from './streamStart.js';
import { PaneSync, type SyncKind } from './sync.js';
import { attachTools, setLeftTool, type AnnotationText, type LeftTool } from './tools.js';
import { annotation as csAnnotation, type Types as ToolTypes } from '@cornerstonejs/tools';
import type { Vec3 } from './roiMath.js';

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

/**
 * What the review announces: `original` a new series in the original pane (before its images load), `restored` a
 * new stack in the restored pane (streamed, derived, difference), `cover` a change of `pendingSlice()` or
 * `unpairedSlice()` (the restored pane is covered or uncovered), `mode` a change of the mode (restored /
 * difference), before the pane's new stack is set.
 */
export type ReviewEvent = 'original' | 'restored' | 'cover' | 'mode';

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
  /** How the restored pane's slices pair with the original's ('index' until a restored stack is shown). */
  readonly pairing: SlicePairing['mode'];
  /** Original slices with a restored slice at their position. */
  readonly pairedSlices: number;
  /** The original stack is RGB (a video / endoscopy sequence). */
  readonly color: boolean;
}

/**
 * The review layout: original | restored as two Cornerstone StackViewports in one rendering engine, one tool group,
 * and PaneSync between them. The restored pane shows frames streamed from a running job, then the stored derived
 * series once the job is done, or (difference mode) restored − original.
 */
export class Review {
  readonly engine: RenderingEngine;
  readonly sync: PaneSync;
  readonly tools: ToolTypes.IToolGroup;
  private left: LeftTool = 'windowLevel';
  /** The text next to a measurement on the canvas (set by Measurements). */
  annotationText: AnnotationText = () => undefined;
  private original?: SeriesStack;
  /** The restored (or derived) images, in their own position order. */
  private restoredIds: string[] = [];
  /** Original ↔ restoredIds. */
  private basePairing: SlicePairing = pairByIndex(0, 0);
  /** What the restored pane shows (restoredIds, or difference images of the paired slices). */
  private paneIds: string[] = [];
  /** Original ↔ paneIds. */
  private panePairing: SlicePairing = pairByIndex(0, 0);
  private status: ReviewStatus = {
    source: 'none',
    mode: 'restored',
    differenceRange: 100,
    pairing: 'index',
    pairedSlices: 0,
    color: false,
  };
  /** Bumped by every restored-pane change, so a late stack load does not apply stale display settings. */
  private generation = 0;
  private colormapped = false;
  /**
   * A restored slice waiting for its streamed frame. Loads are not left waiting inside Cornerstone's request pool
   * (six interaction slots shared by both panes): the slice is shown when its frame arrives. `stack`: the restored
   * stack itself is not set yet.
   */
  private pending?: { readonly index: number; readonly stack: boolean };
  /** The original slice shown on the left has no restored slice at its position (the restored pane is covered). */
  private unpaired?: number;
  /** Zoom and pan per series (the restored pane's under `restored:<original series>`). */
  private readonly cameras = new CameraMemory();
  /** Window/level per original series (the restored pane follows it through the VOI sync). */
  private readonly windows = new WindowMemory();
  /** The camera the restored pane takes with its first stack after a new original series, then undefined. */
  private restoredCamera?: PaneCamera;
  private readonly listeners: Record<ReviewEvent, (() => void)[]> = {
    original: [],
    restored: [],
    cover: [],
    mode: [],
  };

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
    this.tools = attachTools(RENDERING_ENGINE_ID, Object.values(VIEWPORT_IDS), (data) => this.annotationText(data));
    for (const pane of Object.keys(VIEWPORT_IDS) as PaneId[]) {
      const element = elements[pane];
      guardEmptyPane(element.parentElement ?? element, () => this.viewport(pane).getImageIds().length === 0);
    }
    this.sync = new PaneSync(
      [
        { element: elements.original, viewport: () => this.viewport('original') },
        { element: elements.restored, viewport: () => this.viewport('restored') },
      ],
      {
        linked: () => this.paneIds.length > 0,
        pairedIndex: (from, index) => this.pairedIndex(from, index),
        showIndex: (pane, index) => (pane === 0 ? index !== undefined : this.mayShow(index)),
        current: (pane) => pane === 0 || this.restoredCurrent(),
      },
    );
    this.sync.attach();
  }

  on(event: ReviewEvent, listener: () => void): void {
    this.listeners[event].push(listener);
  }

  private emit(event: ReviewEvent): void {
    for (const l of this.listeners[event]) l();
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

  /** The image ids the restored pane's stack holds now (restored, or difference images). */
  get restoredPaneIds(): readonly string[] {
    return this.paneIds;
  }

  /**
   * Whether the restored viewport holds the stack the review set (else it still holds a previous series' or job's,
   * covered, until the new stack is set).
   */
  restoredCurrent(): boolean {
    return this.paneIds.includes(this.viewport('restored').getCurrentImageId() ?? '');
  }

  /** Original ↔ restored pane, in the pane's own index space. */
  get pairing(): SlicePairing {
    return this.panePairing;
  }

  /**
   * The slice of the other pane paired with `index` of pane `from` (0 original, 1 restored), or undefined when that
   * pane has no slice at this position.
   */
  pairedIndex(from: 0 | 1, index: number): number | undefined {
    return from === 0 ? this.panePairing.toRestored[index] : this.panePairing.toOriginal[index];
  }

  /** Which pane's stack holds an image id (and at which index), or undefined. */
  locate(imageId: string): { readonly pane: PaneId; readonly index: number } | undefined {
    const o = this.original?.imageIds.indexOf(imageId) ?? -1;
    if (o >= 0) return { pane: 'original', index: o };
    const r = this.paneIds.indexOf(imageId);
    return r >= 0 ? { pane: 'restored', index: r } : undefined;
  }

  /** The original slice whose position has no restored slice, while it is on screen (the pane is covered). */
  unpairedSlice(): number | undefined {
    return this.unpaired;
  }

  /**
   * Moves both panes `delta` slices (keys, cine). With slice sync on, the restored pane goes to the slice paired
   * with the original's new slice; with it off, each pane moves by `delta` from where it is (the offset the reader
   * set is kept). Resolves when both panes have their image.
   * @param wrap - past the last slice go to the first (and back), else stop at the ends
   * @returns false when the original pane did not move (at an end without wrap, or no stack)
   */
  async step(delta: number, wrap = false): Promise<boolean> {
    const vp = this.viewport('original');
    const n = vp.getImageIds().length;
    if (n === 0 || delta === 0) return false;
    const move = (from: number, count: number): number =>
      wrap ? (((from + delta) % count) + count) % count : Math.max(0, Math.min(count - 1, from + delta));
    const next = move(vp.getTargetImageIdIndex(), n);
    if (next === vp.getTargetImageIdIndex()) return false;
    const work: Promise<unknown>[] = [vp.setImageIdIndex(next)];
    const rvp = this.viewport('restored');
    const m = rvp.getImageIds().length;
    if (this.paneIds.length > 0) {
      let target: number | undefined;
      if (this.sync.isOn('slice')) {
        const paired = this.pairedIndex(0, next);
        target = this.mayShow(paired) ? paired : undefined;
      } else if (m > 0) {
        const moved = move(rvp.getTargetImageIdIndex(), m);
        target = this.mayShow(moved) ? moved : undefined;
      }
      if (target !== undefined && target !== rvp.getTargetImageIdIndex()) work.push(rvp.setImageIdIndex(target));
    }
    await Promise.all(work.map((p) => p.catch(() => undefined)));
    return true;
  }

  /** Goes to a slice of the original (the restored pane follows when slice sync is on). */
  async goTo(index: number): Promise<void> {
    const vp = this.viewport('original');
    const n = vp.getImageIds().length;
    if (n === 0) return;
    const target = Math.max(0, Math.min(n - 1, index));
    await this.step(target - vp.getTargetImageIdIndex(), false);
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
    const left = this.original;
    if (left) {
      this.cameras.leave(left.seriesInstanceUid, cameraOf(this.viewport('original')));
      this.windows.leave(left.seriesInstanceUid, readerWindowOf(this.viewport('original')));
      if (this.restoredCurrent()) this.cameras.leave(restoredKey(left), cameraOf(this.viewport('restored')));
    }
    this.restoredCamera = this.cameras.open(restoredKey(stack));
    this.original = stack;
    this.restoredIds = [];
    this.paneIds = [];
    this.basePairing = this.panePairing = pairByIndex(stack.imageIds.length, 0);
    this.setPending(undefined);
    this.setUnpaired(undefined);
    this.generation++;
    this.differences.clear();
    this.status = {
      ...this.status,
      originalSeries: stack.seriesInstanceUid,
      source: 'none',
      jobId: undefined,
      derivedSeries: undefined,
      pairing: 'index',
      pairedSlices: 0,
      color: stack.color,
    };
    this.emit('original');
    const vp = this.viewport('original');
    await this.sync.mute(0, async () => {
      await vp.setStack([...stack.imageIds], Math.floor(stack.imageIds.length / 2));
      // Cornerstone carries the previous stack's zoom and pan over: this series opens with its own.
      setCamera(vp, this.cameras.open(stack.seriesInstanceUid));
      // Likewise its window: the one the reader left it with, else its own default (Cornerstone would otherwise keep
      // treating the previous series' window as set by the reader).
      const window = this.windows.open(stack.seriesInstanceUid);
      if (window) vp.setProperties({ voiRange: { lower: window.lower, upper: window.upper } });
      else vp.resetProperties();
    });
    vp.render();
  }

  /**
   * Follows a running job: the restored pane gets one stream image id per original frame; frames show as they
   * arrive. Returns at once (the current slice's frame may not be there yet).
   */
  showStream(jobId: string): void {
    if (!this.original) return;
    this.restoredIds = this.streams.define(jobId, this.original);
    // One stream image per original frame, in its order.
    this.basePairing = pairByIndex(this.original.imageIds.length, this.restoredIds.length);
    this.status = { ...this.status, source: 'stream', jobId, derivedSeries: undefined };
    // Start on a slice whose frame is here (or comes first), not covered on the middle slice until half the series is
    // restored; the original goes there too, so the pair stays paired.
    const vp = this.viewport('original');
    const current = vp.getTargetImageIdIndex();
    const start = streamStartIndex(
      this.restoredIds.map((id) => this.streams.has(id)),
      current,
    );
    if (start !== current) void this.sync.mute(0, () => vp.setImageIdIndex(start)).catch(() => undefined);
    void this.applyRestored();
  }

  /**
   * Replaces streamed frames (or nothing) by the stored derived series, keeping slice, window and camera. Its slices
   * are paired with the original's by position (when both have one), so a derived series with other slices still
   * lines up.
   */
  async showDerived(jobId: string, derived: SeriesStack): Promise<void> {
    const previous = this.status;
    this.restoredIds = [...derived.imageIds];
    this.basePairing = pairSlices(
      this.original?.frames.map((f) => f.position) ?? [],
      derived.frames.map((f) => f.position),
    );
    this.status = { ...this.status, source: 'derived', jobId, derivedSeries: derived.seriesInstanceUid };
    await this.applyRestored();
    if (previous.source === 'stream' && previous.jobId) this.streams.forget(previous.jobId);
  }

  async setMode(mode: ReviewMode): Promise<void> {
    if (mode === this.status.mode) return;
    this.status = { ...this.status, mode };
    this.emit('mode');
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

  /** A measurement annotation's handles in world coordinates (for the test hook), or undefined. */
  annotationPoints(annotationUID: string): Vec3[] | undefined {
    return csAnnotation.state.getAnnotation(annotationUID)?.data.handles?.points as Vec3[] | undefined;
  }

  /** What the left mouse button does on both panes. */
  get leftTool(): LeftTool {
    return this.left;
  }

  setLeftTool(tool: LeftTool): void {
    setLeftTool(this.tools, tool);
    this.left = tool;
  }

  setSync(kind: SyncKind, on: boolean): void {
    this.sync.set(kind, on);
    // Unsynchronised, the restored pane shows what the reader scrolls it to: nothing to cover.
    if (kind === 'slice' && !on) this.setUnpaired(undefined);
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

  /**
   * Fits the canvases to their panes. Cornerstone keeps the absolute scale on a resize, so a fitted series would no
   * longer fit (the toolbar wrapping onto another line on a series change resized the panes by 6 %): each pane keeps
   * its zoom and pan relative to the fitted view instead.
   */
  resize(): void {
    const panes = (Object.keys(VIEWPORT_IDS) as PaneId[]).filter((p) => this.viewport(p).getCurrentImageId());
    const cameras = panes.map((p) => cameraOf(this.viewport(p)));
    // Muted: the resize's own camera events must not copy one pane's interim camera onto the other.
    void this.sync.mute(0, () =>
      this.sync.mute(1, async () => {
        this.engine.resize(true, true);
        panes.forEach((pane, i) => setCamera(this.viewport(pane), cameras[i]));
      }),
    );
    for (const pane of panes) this.viewport(pane).render();
  }

  /**
   * Whether the restored pane can go to `index` now. Undefined (no restored slice at the original's position): the
   * pane is covered as unpaired. A streamed frame that has not arrived: the pane waits for it (see `pending`).
   */
  private mayShow(index: number | undefined): boolean {
    if (index === undefined) {
      this.setPending(undefined);
      this.setUnpaired(this.viewport('original').getTargetImageIdIndex());
      return false;
    }
    this.setUnpaired(undefined);
    // Streams pair by index with the original, so `index` is also the stream's (and its difference image's) index.
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

  private setUnpaired(index: number | undefined): void {
    if (index === this.unpaired) return;
    this.unpaired = index;
    this.emit('cover');
  }

  private setPending(p: { readonly index: number; readonly stack: boolean } | undefined): void {
    const changed = p?.index !== this.pending?.index || p?.stack !== this.pending?.stack;
    this.pending = p;
    if (changed) this.emit('cover');
  }

  private async applyRestored(): Promise<void> {
    const original = this.original;
    if (!original || this.restoredIds.length === 0) return;
    const generation = ++this.generation;
    const difference = this.status.mode === 'difference';
    this.sync.voiSuspended = difference;
    const vp = this.viewport('restored');
    const originalIndex = this.viewport('original').getTargetImageIdIndex();
    const base = this.basePairing;
    let ids: string[];
    let pairing: SlicePairing;
    if (difference) {
      const pairs = base.toRestored.flatMap((r, o) => (r === undefined ? [] : [{ o, r }]));
      ids = this.differences.define(
        pairs.map((p) => ({ original: original.imageIds[p.o], restored: this.restoredIds[p.r] })),
      );
      pairing = pairWithSubset(
        original.imageIds.length,
        pairs.map((p) => p.o),
        base,
      );
    } else {
      ids = this.restoredIds;
      pairing = base;
    }
    this.paneIds = [...ids];
    this.panePairing = pairing;
    this.status = {
      ...this.status,
      pairing: base.mode,
      pairedSlices: base.toRestored.filter((r) => r !== undefined).length,
    };
    const restoredIndex = base.toRestored[originalIndex] ?? base.nearestRestored[originalIndex] ?? 0;
    if (this.status.source === 'stream' && !this.streams.has(this.restoredIds[restoredIndex])) {
      // Streams pair by index: the pane's index is the stream's.
      this.setPending({ index: restoredIndex, stack: true });
      return;
    }
    this.setPending(undefined);
    const paneIndex = pairing.toRestored[originalIndex] ?? pairing.nearestRestored[originalIndex] ?? 0;
    this.setUnpaired(
      this.sync.isOn('slice') && pairing.toRestored[originalIndex] === undefined ? originalIndex : undefined,
    );
    if (ids.length === 0) return;
    const camera = this.restoredCamera;
    this.restoredCamera = undefined;
    try {
      await this.sync.mute(1, async () => {
        await vp.setStack([...ids], Math.min(paneIndex, ids.length - 1));
        // The first restored stack of a series: its own camera, not the previous series' (sync may override it below).
        if (camera) setCamera(vp, camera);
      });
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
    this.emit('restored');
  }
}

/** The restored pane's camera memory key for an original series (whichever job restored it). */
function restoredKey(original: SeriesStack): string {
  return `restored:${original.seriesInstanceUid}`;
}

/**
 * The window the reader set on a pane (a preset, a window/level drag, or one synchronised from the other pane: all go
 * through `setProperties`), or undefined when it shows its series' default window.
 */
function readerWindowOf(vp: Types.IStackViewport): PaneWindow | undefined {
  if (!vp.getCurrentImageId()) return undefined;
  const p = vp.getProperties();
  return p.isComputedVOI === false && p.voiRange ? { lower: p.voiRange.lower, upper: p.voiRange.upper } : undefined;
}

function cameraOf(vp: Types.IStackViewport): PaneCamera {
  const pan = vp.getPan();
  return { zoom: vp.getZoom(), pan: [pan[0], pan[1]] };
}

/** Fits the pane, then applies a remembered zoom and pan. */
function setCamera(vp: Types.IStackViewport, camera: PaneCamera): void {
  vp.resetCamera();
  if (isFitted(camera)) return;
  vp.setZoom(camera.zoom);
  vp.setPan([camera.pan[0], camera.pan[1]] as Types.Point2);
}

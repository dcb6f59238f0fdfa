import { Enums, type Types } from '@cornerstonejs/core';

export type SyncKind = 'slice' | 'voi' | 'camera';
export const SYNC_KINDS: readonly SyncKind[] = ['slice', 'voi', 'camera'];

/** One of the two panes: its element (events) and a way to reach its viewport (which may be re-created). */
export interface SyncPane {
  readonly element: HTMLDivElement;
  readonly viewport: () => Types.IStackViewport;
}

/** What the owner of the panes decides for PaneSync. */
export interface SyncGate {
  linked(): boolean;
  /** The slice of the other pane paired with slice `index` of pane `from`; undefined when there is none. */
  pairedIndex(from: 0 | 1, index: number): number | undefined;
  /** Asked before a synchronised slice change of pane `pane` (undefined: no paired slice); false to skip it. */
  showIndex(pane: 0 | 1, index: number | undefined): boolean;
  /**
   * Whether pane `pane` holds the stack its owner set. Until a new restored stack is set, the viewport still holds the
   * previous series' (covered): its window and camera must not reach the other pane (a CT's zoom did reach a capsule).
   */
  current(pane: 0 | 1): boolean;
}

const sameRange = (a: Types.VOIRange | undefined, b: Types.VOIRange | undefined): boolean =>
  !!a && !!b && Math.abs(a.lower - b.lower) < 1e-3 && Math.abs(a.upper - b.upper) < 1e-3;

/**
 * Keeps the two panes together: slice (the paired slice: same position, or same index), VOI (the same HU window) and camera
 * (zoom and pan). Each kind can be switched off. Events from a pane being loaded (`mute`) are ignored, so a new stack's
 * default window never overrides what the reader set on the other pane.
 */
export class PaneSync {
  private readonly enabled: Record<SyncKind, boolean> = { slice: true, voi: true, camera: true };
  private readonly muted = [0, 0];
  private applying = false;
  /** Set while the panes show different units (difference mode): VOI is not synchronised then. */
  voiSuspended = false;

  /**
   * @param panes - original, restored
   * @param gate - `linked`: whether the restored pane shows something paired with the original (false while it is
   *   empty); `pairedIndex`: which slice of the other pane goes with a slice (pairing by position); `showIndex`:
   *   asked before a synchronised slice change, false when the owner takes care of it (a streamed frame that has
   *   not arrived yet, no paired slice)
   */
  constructor(
    private readonly panes: readonly [SyncPane, SyncPane],
    private readonly gate: SyncGate = {
      linked: () => true,
      pairedIndex: (_from, index) => index,
      showIndex: (_pane, index) => index !== undefined,
      current: () => true,
    },
  ) {}

  private linked(): boolean {
    return this.gate.linked();
  }

  attach(): void {
    this.panes.forEach((pane, i) => {
      const from = i as 0 | 1;
      pane.element.addEventListener(Enums.Events.STACK_NEW_IMAGE, (e) => this.onNewImage(from, e as CustomEvent));
      pane.element.addEventListener(Enums.Events.VOI_MODIFIED, (e) => this.onVoi(from, e as CustomEvent));
      pane.element.addEventListener(Enums.Events.CAMERA_MODIFIED, () => this.onCamera(from));
    });
  }

  isOn(kind: SyncKind): boolean {
    return this.enabled[kind];
  }

  /** Switches a kind on or off; switching on aligns the restored pane with the original at once. */
  set(kind: SyncKind, on: boolean): void {
    this.enabled[kind] = on;
    if (on) this.copy(0, kind);
  }

  /** Runs `work` with events from pane `index` ignored (a stack being set). */
  async mute<T>(index: 0 | 1, work: () => Promise<T>): Promise<T> {
    this.muted[index]++;
    try {
      return await work();
    } finally {
      this.muted[index]--;
    }
  }

  /** Copies every enabled kind from pane `from` to the other. */
  copyAll(from: 0 | 1): void {
    for (const kind of SYNC_KINDS) if (this.enabled[kind]) this.copy(from, kind);
  }

  private copy(from: 0 | 1, kind: SyncKind): void {
    if (!this.linked()) return;
    const src = this.panes[from].viewport();
    const dst = this.panes[1 - from].viewport();
    if (!src.getCurrentImageId()) return;
    if (kind === 'slice') this.toIndex(from, src.getTargetImageIdIndex());
    else if (dst.getImageIds().length === 0) return;
    else if (kind === 'voi') {
      const range = src.getProperties().voiRange;
      if (range && !this.voiSuspended) this.apply(() => dst.setProperties({ voiRange: range }), dst);
    } else this.apply(() => this.copyCamera(src, dst), dst);
  }

  private onNewImage(from: 0 | 1, e: CustomEvent<{ imageIdIndex: number }>): void {
    if (!this.enabled.slice || this.muted[from] > 0 || !this.linked()) return;
    this.toIndex(from, e.detail.imageIdIndex);
  }

  private onVoi(from: 0 | 1, e: CustomEvent<{ range?: Types.VOIRange }>): void {
    if (!this.enabled.voi || this.voiSuspended || this.applying || this.muted[from] > 0 || !this.linked()) return;
    if (!this.gate.current(from)) return;
    if (!e.detail.range) return;
    const dst = this.panes[1 - from].viewport();
    if (!dst.getCurrentImageId() || sameRange(dst.getProperties().voiRange, e.detail.range)) return;
    const range = { lower: e.detail.range.lower, upper: e.detail.range.upper };
    this.apply(() => dst.setProperties({ voiRange: range }), dst);
  }

  private onCamera(from: 0 | 1): void {
    if (!this.enabled.camera || this.applying || this.muted[from] > 0 || !this.linked()) return;
    if (!this.gate.current(from)) return;
    const src = this.panes[from].viewport();
    const dst = this.panes[1 - from].viewport();
    if (!dst.getCurrentImageId()) return;
    this.apply(() => this.copyCamera(src, dst), dst);
  }

  private copyCamera(src: Types.IStackViewport, dst: Types.IStackViewport): void {
    const zoom = src.getZoom();
    const pan = src.getPan();
    const [dz, dp] = [dst.getZoom(), dst.getPan()];
    if (Math.abs(dz - zoom) < 1e-6 && Math.abs(dp[0] - pan[0]) < 1e-6 && Math.abs(dp[1] - pan[1]) < 1e-6) return;
    dst.setZoom(zoom);
    dst.setPan(pan);
  }

  /** Moves the other pane to the slice paired with slice `index` of pane `from`. */
  private toIndex(from: 0 | 1, index: number): void {
    const to = (1 - from) as 0 | 1;
    const dst = this.panes[to].viewport();
    // The owner's pairing only names slices of the other pane's stack (which may still be loading: showIndex decides).
    const paired = this.gate.pairedIndex(from, index);
    if (!this.gate.showIndex(to, paired) || paired === undefined || dst.getTargetImageIdIndex() === paired) return;
    void dst.setImageIdIndex(paired).catch(() => undefined);
  }

  /** Applies a change to the other pane without echoing its own events back. */
  private apply(change: () => void, dst: Types.IStackViewport): void {
    this.applying = true;
    try {
      change();
      dst.render();
    } finally {
      this.applying = false;
    }
  }
}

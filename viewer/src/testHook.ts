import { Enums, metaData } from '@cornerstonejs/core';
import type { App } from './app.js';
import type { Cine, CineState } from './cine.js';
import { positionAlongNormal } from './dicomJson.js';
import type { Flicker, FlickerState } from './flicker.js';
import type { Measurement, Measurements } from './measurements.js';
import type { PaneId, Review, ReviewStatus } from './review.js';
import type { ImagePoint, Vec3 } from './roiMath.js';
import { SYNC_KINDS, type SyncKind } from './sync.js';
import type { LeftTool } from './tools.js';

/** A pane's viewport state, as the e2e tests read it. */
export interface PaneState {
  readonly images: number;
  readonly currentImageIdIndex: number;
  readonly targetImageIdIndex: number;
  readonly imageId?: string;
  /** The image on the canvas: imageId, except while flicker shows the paired original on the restored pane. */
  readonly displayedImageId?: string;
  readonly voiRange?: { readonly lower: number; readonly upper: number };
  readonly colormap?: string;
  readonly zoom: number;
  readonly pan: readonly [number, number];
  /** The current image's position along the slice normal (mm), when it has a geometry. */
  readonly position?: number;
}

/** A measurement as tests read it: per pane, also where its handles are on the canvas when that image is shown. */
export type HookMeasurement = Measurement & {
  readonly canvas: Partial<Record<PaneId, readonly ImagePoint[]>>;
};

/** How much of a pane's canvas is not background. */
export interface CanvasStats {
  readonly width: number;
  readonly height: number;
  /** Pixels whose RGB is not black. */
  readonly nonBlank: number;
  /** Distinct grey/colour values (a flat image has 1). */
  readonly distinct: number;
  /** Pixels that are not grey (channels differ by more than 16): an RGB image shown in colour. */
  readonly colored: number;
}

export interface HookEvent {
  readonly t: number;
  readonly event: string;
  readonly [key: string]: unknown;
}

/**
 * `window.__gsdiff`: a read-mostly view of the review for end-to-end tests (and for debugging in the console).
 * It exposes state, an event log and canvas statistics; it changes nothing the UI cannot change.
 */
export interface GsdiffTestHook {
  readonly ready: true;
  state(): {
    readonly panes: Readonly<Record<PaneId, PaneState>>;
    readonly review: ReviewStatus;
    readonly sync: Readonly<Record<SyncKind, boolean>>;
    readonly framesReceived: number;
    /** The restored slice waiting for its streamed frame (the pane is covered meanwhile). */
    readonly pendingSlice?: number;
    /** The original slice on screen that has no restored slice at its position (the pane is covered). */
    readonly unpairedSlice?: number;
    readonly job?: { readonly id: string; readonly state: string; readonly done: number; readonly total: number };
    readonly cine: CineState;
    readonly tool: LeftTool;
    readonly flicker: FlickerState;
  };
  readonly events: HookEvent[];
  canvasStats(pane: PaneId): CanvasStats;
  /** The RGBA of a pane's canvas at a point in CSS pixels of its element (undefined outside the canvas). */
  canvasPixel(pane: PaneId, x: number, y: number): readonly [number, number, number, number] | undefined;
  measurements(): HookMeasurement[];
}

declare global {
  interface Window {
    __gsdiff?: GsdiffTestHook;
  }
}

function paneState(review: Review, pane: PaneId): PaneState {
  const vp = review.viewport(pane);
  const props = vp.getProperties();
  const pan = vp.getPan();
  const colormap = props.colormap as { name?: string } | undefined;
  return {
    images: vp.getImageIds().length,
    currentImageIdIndex: vp.getCurrentImageIdIndex(),
    targetImageIdIndex: vp.getTargetImageIdIndex(),
    imageId: vp.getCurrentImageId(),
    displayedImageId: vp.getCornerstoneImage()?.imageId,
    voiRange: props.voiRange ? { lower: props.voiRange.lower, upper: props.voiRange.upper } : undefined,
    colormap: colormap?.name,
    zoom: vp.getZoom(),
    pan: [pan[0], pan[1]],
    position: imagePosition(vp.getCurrentImageId()),
  };
}

function imagePosition(imageId: string | undefined): number | undefined {
  if (!imageId) return undefined;
  const plane = metaData.get('imagePlaneModule', imageId) as
    { imagePositionPatient?: number[]; imageOrientationPatient?: number[]; usingDefaultValues?: boolean } | undefined;
  const p = plane?.imagePositionPatient;
  const o = plane?.imageOrientationPatient;
  if (!p || !o || p.length !== 3 || o.length !== 6 || plane?.usingDefaultValues) return undefined;
  return positionAlongNormal(p.map(Number), o.map(Number));
}

/** A 2-D context on a pane's on-screen canvas (Cornerstone copies each render onto it), or on a copy of it. */
function paneCanvas(
  review: Review,
  pane: PaneId,
): { canvas?: HTMLCanvasElement; ctx?: CanvasRenderingContext2D | null } {
  const canvas = review.element(pane).querySelector('canvas');
  if (!canvas || canvas.width === 0 || canvas.height === 0) return {};
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  if (ctx) return { canvas, ctx };
  const copy = document.createElement('canvas');
  copy.width = canvas.width;
  copy.height = canvas.height;
  const copyCtx = copy.getContext('2d');
  copyCtx?.drawImage(canvas, 0, 0);
  return { canvas: copy, ctx: copyCtx };
}

/** Reads a pane's on-screen canvas back. */
export function canvasStats(review: Review, pane: PaneId): CanvasStats {
  const { canvas, ctx } = paneCanvas(review, pane);
  if (!canvas) return { width: 0, height: 0, nonBlank: 0, distinct: 0, colored: 0 };
  if (!ctx) return { width: canvas.width, height: canvas.height, nonBlank: 0, distinct: 0, colored: 0 };
  const source = canvas;
  const { data } = ctx.getImageData(0, 0, source.width, source.height);
  let nonBlank = 0;
  let colored = 0;
  const seen = new Set<number>();
  for (let i = 0; i < data.length; i += 4) {
    const [r, g, b] = [data[i], data[i + 1], data[i + 2]];
    if (r | g | b) nonBlank++;
    if (Math.max(Math.abs(r - g), Math.abs(g - b), Math.abs(r - b)) > 16) colored++;
    if (seen.size < 4096) seen.add((r << 16) | (g << 8) | b);
  }
  return { width: source.width, height: source.height, nonBlank, distinct: seen.size, colored };
}

/** One pixel of a pane's canvas, at CSS pixel (x, y) of the pane's element (the canvas may be scaled by the DPR). */
export function canvasPixel(
  review: Review,
  pane: PaneId,
  x: number,
  y: number,
): readonly [number, number, number, number] | undefined {
  const { canvas, ctx } = paneCanvas(review, pane);
  const el = review.element(pane);
  if (!canvas || !ctx || el.clientWidth === 0 || el.clientHeight === 0) return undefined;
  const cx = Math.floor((x * canvas.width) / el.clientWidth);
  const cy = Math.floor((y * canvas.height) / el.clientHeight);
  if (cx < 0 || cy < 0 || cx >= canvas.width || cy >= canvas.height) return undefined;
  const d = ctx.getImageData(cx, cy, 1, 1).data;
  return [d[0], d[1], d[2], d[3]];
}

/** The review's event log (bounded): what the app did and what the restored pane rendered, with times in ms. */
export class EventLog {
  readonly events: HookEvent[] = [];
  private readonly t0 = performance.now();

  record(event: string, detail: Record<string, unknown> = {}): void {
    if (this.events.length < 10_000) this.events.push({ t: Math.round(performance.now() - this.t0), event, ...detail });
  }
}

/** Measurements with the canvas position of their handles on the panes that show their image now. */
function hookMeasurements(review: Review, measurements: Measurements): HookMeasurement[] {
  const panes: PaneId[] = ['original', 'restored'];
  return measurements.list().map((m) => {
    const canvas: Partial<Record<PaneId, readonly ImagePoint[]>> = {};
    for (const pane of panes) {
      const pm = m[pane];
      const vp = review.viewport(pane);
      if (!pm || vp.getCurrentImageId() !== pm.imageId) continue;
      const world = review.annotationPoints(pm.annotationUID);
      if (world) canvas[pane] = world.map((p: Vec3) => vp.worldToCanvas([p[0], p[1], p[2]]) as ImagePoint);
    }
    return { ...m, canvas };
  });
}

/** Installs `window.__gsdiff` and logs renders of the restored pane (with the scheme of the image shown). */
export function installTestHook(
  app: App,
  review: Review,
  log: EventLog,
  parts: { readonly cine: Cine; readonly measurements: Measurements; readonly flicker: Flicker },
): GsdiffTestHook {
  const record = (event: string, detail: Record<string, unknown> = {}): void => log.record(event, detail);
  // One entry per image shown (and again once a placeholder render is followed by pixels).
  let last = { imageId: '', painted: false };
  review.element('restored').addEventListener(Enums.Events.IMAGE_RENDERED, () => {
    const vp = review.viewport('restored');
    const imageId = vp.getCurrentImageId() ?? '';
    if (imageId === last.imageId && last.painted) return;
    const stats = canvasStats(review, 'restored');
    const painted = stats.nonBlank > 0;
    if (imageId === last.imageId && !painted) return;
    last = { imageId, painted };
    record('restored-rendered', {
      scheme: imageId.split(':')[0],
      imageId,
      index: vp.getCurrentImageIdIndex(),
      nonBlank: stats.nonBlank,
      distinct: stats.distinct,
      framesReceived: app.framesReceived,
    });
  });
  const hook: GsdiffTestHook = {
    ready: true,
    events: log.events,
    state: () => {
      const job = app.job;
      return {
        panes: { original: paneState(review, 'original'), restored: paneState(review, 'restored') },
        review: review.current,
        sync: Object.fromEntries(SYNC_KINDS.map((k) => [k, review.sync.isOn(k)])) as Record<SyncKind, boolean>,
        framesReceived: app.framesReceived,
        pendingSlice: review.pendingSlice(),
        unpairedSlice: review.unpairedSlice(),
        job: job && { id: job.id, state: job.state, done: job.progress.done, total: job.progress.total },
        cine: parts.cine.state,
        tool: review.leftTool,
        flicker: parts.flicker.state,
      };
    },
    canvasStats: (pane) => canvasStats(review, pane),
    canvasPixel: (pane, x, y) => canvasPixel(review, pane, x, y),
    measurements: () => hookMeasurements(review, parts.measurements),
  };
  window.__gsdiff = hook;
  return hook;
}

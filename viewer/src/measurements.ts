import { cache, eventTarget, imageLoader, metaData, utilities as csUtils, type Types } from '@cornerstonejs/core';
import {
  annotation as csAnnotation,
  Enums as ToolEnums,
  utilities as toolUtils,
  type Types as ToolTypes,
} from '@cornerstonejs/tools';
import { displayValues } from './differenceImages.js';
import { VIEWPORT_IDS, type PaneId, type Review } from './review.js';
import {
  imageDistance,
  imagePlane,
  imageToWorld,
  roiShape,
  roiStats,
  worldToImage,
  type ImagePlaneLike,
  type ImagePoint,
  type RoiStats,
  type Vec3,
} from './roiMath.js';
import { MEASUREMENT_TOOL_NAMES } from './tools.js';

export type MeasureKind = 'length' | 'ellipse' | 'rectangle';

const KIND_OF_TOOL: Readonly<Record<string, MeasureKind>> = {
  Length: 'length',
  EllipticalROI: 'ellipse',
  RectangleROI: 'rectangle',
};

/** A measurement on one pane, in that pane's image coordinates. */
export interface PaneMeasurement {
  readonly annotationUID: string;
  readonly imageId: string;
  /** Slice index in the pane's stack. */
  readonly index: number;
  /** The annotation's handles in image coordinates (see roiMath.ts). */
  readonly points: readonly ImagePoint[];
  /** Length tool: the distance in mm (px when the image has no pixel spacing). */
  readonly length?: number;
  readonly lengthUnit?: 'mm' | 'px';
  /** ROI tools: statistics of the pixels inside, in `valueUnit`. */
  readonly stats?: RoiStats;
  /** HU (CT and differences of CT), 'grey level' (luma of colour images), or '' (other modalities). */
  readonly valueUnit?: string;
}

/** One measurement: the annotation drawn on one pane and its mirror on the other (absent when unpaired). */
export interface Measurement {
  readonly id: number;
  readonly kind: MeasureKind;
  readonly original?: PaneMeasurement;
  readonly restored?: PaneMeasurement;
}

interface Entry {
  readonly id: number;
  readonly kind: MeasureKind;
  readonly uids: Partial<Record<PaneId, string>>;
  panes: Partial<Record<PaneId, PaneMeasurement>>;
}

const PANES: readonly PaneId[] = ['original', 'restored'];
const other = (pane: PaneId): PaneId => (pane === 'original' ? 'restored' : 'original');
const paneNumber = (pane: PaneId): 0 | 1 => (pane === 'original' ? 0 : 1);

const planeOf = (imageId: string) =>
  imagePlane(metaData.get('imagePlaneModule', imageId) as ImagePlaneLike | undefined);

const fmt = (v: number): string => (Math.abs(v) >= 1000 ? v.toFixed(0) : v.toFixed(1));

/**
 * Length and ROI measurements mirrored on both panes: an annotation drawn (or edited) on one pane is copied onto the
 * paired slice of the other at the same image coordinates, and each side gets its own statistics (mean / SD / n of
 * the pixels inside, in HU for CT), so a reader compares noise in place. Statistics are computed here (roiMath.ts:
 * pixels whose centre lies inside the shape, sample SD), not by the tools, and shown on the canvas and in the panel.
 * When the restored pane gets another stack (streamed frames → derived series, difference mode), the mirrors move
 * onto it; a new original series clears them all.
 */
export class Measurements {
  private readonly entries: Entry[] = [];
  private readonly byUid = new Map<string, { readonly entry: Entry; readonly pane: PaneId }>();
  private readonly text = new WeakMap<object, string[]>();
  private nextId = 1;
  /** Set while this class itself adds, moves or removes annotations (their events are not user edits). */
  private applying = 0;
  private scheduled = false;
  private readonly dirty = new Set<Entry>();
  /** Called after measurements or their statistics change. */
  onChange: (list: readonly Measurement[]) => void = () => undefined;

  constructor(private readonly review: Review) {}

  /** Listens to the annotation events and to the review's stack changes. Once. */
  attach(): void {
    const { Events, ChangeTypes } = ToolEnums;
    eventTarget.addEventListener(Events.ANNOTATION_COMPLETED, (e: Event) => {
      const { annotation } = (e as CustomEvent<{ annotation: ToolTypes.Annotation }>).detail;
      this.completed(annotation);
    });
    eventTarget.addEventListener(Events.ANNOTATION_MODIFIED, (e: Event) => {
      const { annotation, changeType } = (e as CustomEvent<{ annotation: ToolTypes.Annotation; changeType?: string }>)
        .detail;
      if (this.applying > 0 || changeType === ChangeTypes.StatsUpdated) return;
      const hit = annotation.annotationUID ? this.byUid.get(annotation.annotationUID) : undefined;
      if (!hit) return;
      this.mirror(hit.entry, hit.pane);
      this.schedule(hit.entry);
    });
    eventTarget.addEventListener(Events.ANNOTATION_REMOVED, (e: Event) => {
      if (this.applying > 0) return;
      const { annotation } = (e as CustomEvent<{ annotation: ToolTypes.Annotation }>).detail;
      const hit = annotation.annotationUID ? this.byUid.get(annotation.annotationUID) : undefined;
      if (hit) this.remove(hit.entry.id);
    });
    this.review.annotationText = (data) => this.text.get(data);
    this.review.on('restored', () => this.restoredChanged());
    this.review.on('original', () => this.clear());
  }

  /** Every measurement, in the order drawn. */
  list(): Measurement[] {
    return this.entries.map((e) => ({ id: e.id, kind: e.kind, ...e.panes }));
  }

  /** Removes a measurement from both panes. */
  remove(id: number): void {
    const i = this.entries.findIndex((e) => e.id === id);
    if (i < 0) return;
    const [entry] = this.entries.splice(i, 1);
    for (const pane of PANES) this.dropAnnotation(entry, pane);
    this.render();
    this.onChange(this.list());
  }

  clear(): void {
    for (const e of [...this.entries]) this.remove(e.id);
  }

  private completed(annotation: ToolTypes.Annotation): void {
    const uid = annotation.annotationUID;
    const toolName = annotation.metadata?.toolName ?? '';
    const kind = KIND_OF_TOOL[toolName];
    const imageId = annotation.metadata?.referencedImageId;
    if (!uid || !kind || !imageId || this.byUid.has(uid) || !MEASUREMENT_TOOL_NAMES.includes(toolName)) return;
    const at = this.review.locate(imageId);
    if (!at) return;
    const entry: Entry = { id: this.nextId++, kind, uids: { [at.pane]: uid }, panes: {} };
    this.entries.push(entry);
    this.byUid.set(uid, { entry, pane: at.pane });
    this.mirror(entry, at.pane);
    this.schedule(entry);
  }

  /** Copies pane `from`'s annotation of an entry onto the paired slice of the other pane (or drops the mirror). */
  private mirror(entry: Entry, from: PaneId): void {
    const src = this.annotation(entry, from);
    const srcMeta = src?.metadata;
    const srcImageId = srcMeta?.referencedImageId;
    const points = src?.data.handles?.points as Vec3[] | undefined;
    const at = srcImageId ? this.review.locate(srcImageId) : undefined;
    if (!src || !srcMeta || !srcImageId || !points || !at) return;
    const to = other(from);
    const paired = this.review.pairedIndex(paneNumber(from), at.index);
    const ids = to === 'original' ? (this.review.originalStack?.imageIds ?? []) : this.review.restoredPaneIds;
    const dstImageId = paired === undefined ? undefined : ids[paired];
    const existing = this.annotation(entry, to);
    if (!dstImageId) {
      this.dropAnnotation(entry, to);
      return;
    }
    const srcPlane = planeOf(srcImageId);
    const dstPlane = planeOf(dstImageId);
    const mapped = points.map((p) => imageToWorld(dstPlane, worldToImage(srcPlane, p)) as Types.Point3);
    this.applying++;
    try {
      if (existing && existing.metadata?.referencedImageId === dstImageId && existing.data.handles) {
        existing.data.handles.points = mapped;
        existing.invalidated = true;
      } else {
        this.dropAnnotation(entry, to);
        const viewport = this.review.viewport(to);
        const twin: ToolTypes.Annotation = {
          annotationUID: csUtils.uuidv4(),
          highlighted: false,
          invalidated: true,
          isLocked: false,
          isVisible: true,
          metadata: {
            toolName: srcMeta.toolName,
            referencedImageId: dstImageId,
            FrameOfReferenceUID: viewport.getFrameOfReferenceUID(),
            viewPlaneNormal: srcMeta.viewPlaneNormal,
            viewUp: srcMeta.viewUp,
          },
          data: {
            label: '',
            cachedStats: {},
            handles: {
              points: mapped,
              activeHandleIndex: null,
              textBox: {
                hasMoved: false,
                worldPosition: [0, 0, 0] as Types.Point3,
                worldBoundingBox: {
                  topLeft: [0, 0, 0] as Types.Point3,
                  topRight: [0, 0, 0] as Types.Point3,
                  bottomLeft: [0, 0, 0] as Types.Point3,
                  bottomRight: [0, 0, 0] as Types.Point3,
                },
              },
            },
          },
        };
        csAnnotation.state.addAnnotation(twin, this.review.element(to));
        entry.uids[to] = twin.annotationUID;
        this.byUid.set(twin.annotationUID as string, { entry, pane: to });
      }
    } finally {
      this.applying--;
    }
    this.render();
  }

  /** The restored pane has a new stack: mirrors move onto it; measurements drawn only there on a gone slice go. */
  private restoredChanged(): void {
    for (const entry of [...this.entries]) {
      if (entry.uids.original) {
        this.mirror(entry, 'original');
      } else {
        const own = this.annotation(entry, 'restored')?.metadata?.referencedImageId;
        if (!own || !this.review.restoredPaneIds.includes(own)) {
          this.remove(entry.id);
          continue;
        }
        this.mirror(entry, 'restored');
      }
      this.schedule(entry);
    }
  }

  private annotation(entry: Entry, pane: PaneId): ToolTypes.Annotation | undefined {
    const uid = entry.uids[pane];
    return uid ? csAnnotation.state.getAnnotation(uid) : undefined;
  }

  private dropAnnotation(entry: Entry, pane: PaneId): void {
    const uid = entry.uids[pane];
    if (!uid) return;
    this.applying++;
    try {
      csAnnotation.state.removeAnnotation(uid);
    } finally {
      this.applying--;
    }
    this.byUid.delete(uid);
    delete entry.uids[pane];
    const panes = { ...entry.panes };
    delete panes[pane];
    entry.panes = panes;
  }

  /** Statistics are recomputed once per animation frame at most (a handle drag fires an event per mouse move). */
  private schedule(entry: Entry): void {
    this.dirty.add(entry);
    if (this.scheduled) return;
    this.scheduled = true;
    requestAnimationFrame(() => {
      this.scheduled = false;
      const entries = [...this.dirty];
      this.dirty.clear();
      void Promise.all(entries.map((e) => this.measure(e))).then(() => {
        this.render();
        this.onChange(this.list());
      });
    });
  }

  private async measure(entry: Entry): Promise<void> {
    const panes: Partial<Record<PaneId, PaneMeasurement>> = {};
    for (const pane of PANES) {
      const annotation = this.annotation(entry, pane);
      const imageId = annotation?.metadata?.referencedImageId;
      const world = annotation?.data.handles?.points as Vec3[] | undefined;
      const at = imageId ? this.review.locate(imageId) : undefined;
      if (!annotation?.annotationUID || !imageId || !world || !at) continue;
      const plane = planeOf(imageId);
      const points = world.map((p) => worldToImage(plane, p));
      let m: PaneMeasurement = { annotationUID: annotation.annotationUID, imageId, index: at.index, points };
      let lines: string[];
      if (entry.kind === 'length') {
        const length = imageDistance(plane, points[0], points[1]);
        const lengthUnit = plane.calibrated ? 'mm' : 'px';
        m = { ...m, length, lengthUnit };
        lines = [`${fmt(length)} ${lengthUnit}`];
      } else {
        let image: Types.IImage | undefined;
        try {
          image = cache.getImage(imageId) ?? (await imageLoader.loadAndCacheImage(imageId));
        } catch {
          image = undefined;
        }
        if (!image) continue;
        const stats = roiStats(displayValues(image), image.columns, image.rows, roiShape(entry.kind, points));
        const modality = (metaData.get('generalSeriesModule', imageId) as { modality?: string } | undefined)?.modality;
        const valueUnit = image.color ? 'grey level' : modality === 'CT' ? 'HU' : '';
        m = { ...m, stats, valueUnit };
        lines = stats
          ? [`mean ${fmt(stats.mean)} ${valueUnit}`.trim(), `SD ${fmt(stats.sd)} ${valueUnit}`.trim(), `n ${stats.n}`]
          : ['no pixel inside'];
      }
      this.text.set(annotation.data, lines);
      panes[pane] = m;
    }
    // The entry may have been removed or changed meanwhile: keep only panes whose annotation is still the same.
    for (const pane of PANES) {
      if (panes[pane] && panes[pane]?.annotationUID !== entry.uids[pane]) delete panes[pane];
    }
    entry.panes = panes;
  }

  private render(): void {
    toolUtils.triggerAnnotationRenderForViewportIds(Object.values(VIEWPORT_IDS));
  }
}

import type { JobEnd, JobRecord, SeriesSummary, StreamedFrame } from '../../wire/index.js';
import type { ApiClient } from './api.js';
import { describeError } from './errors.js';
import type { JobLaunch } from './jobPanel.js';
import type { JobProgressStore } from './jobProgress.js';
import { JobStream } from './jobStream.js';
import type { Review } from './review.js';
import { loadSeriesStack } from './seriesStack.js';
import type { StreamImages } from './streamImages.js';

/** What the app reports to the page (status line) and the test hook. */
export interface AppEvents {
  status(text: string, kind?: 'info' | 'error'): void;
  frame(jobId: string, frame: StreamedFrame, imageId: string): void;
  jobChanged(job: JobRecord | undefined): void;
  restoredEmpty(empty: boolean): void;
  record(event: string, detail?: Record<string, unknown>): void;
}

/**
 * The review workflow: open a series in the original pane, launch a job on it, follow the job's websocket (frames
 * go to the restored pane as they arrive), then swap in the stored derived series when the job is done.
 */
export class App {
  private stream?: JobStream;
  private reviewed?: JobRecord;
  private selected?: { readonly studyInstanceUid: string; readonly seriesInstanceUid: string };
  private frames = 0;

  constructor(
    private readonly api: ApiClient,
    private readonly review: Review,
    private readonly streams: StreamImages,
    private readonly progress: JobProgressStore,
    private readonly events: AppEvents,
  ) {}

  get selection(): { readonly studyInstanceUid: string; readonly seriesInstanceUid: string } | undefined {
    return this.selected;
  }

  get job(): JobRecord | undefined {
    return this.reviewed;
  }

  get framesReceived(): number {
    return this.frames;
  }

  /** Opens a series in the original pane (and stops following any job). */
  async openSeries(series: Pick<SeriesSummary, 'studyInstanceUid' | 'seriesInstanceUid'>): Promise<void> {
    this.closeStream();
    this.reviewed = undefined;
    this.events.jobChanged(undefined);
    this.selected = { studyInstanceUid: series.studyInstanceUid, seriesInstanceUid: series.seriesInstanceUid };
    this.events.status('Loading series…');
    try {
      const stack = await loadSeriesStack(this.api, series.studyInstanceUid, series.seriesInstanceUid);
      await this.review.showOriginal(stack);
      this.events.restoredEmpty(true);
      this.events.record('original-shown', { series: series.seriesInstanceUid, images: stack.imageIds.length });
      this.events.status(`${stack.imageIds.length} images`);
    } catch (e) {
      this.events.status(describeError(e), 'error');
      throw e;
    }
  }

  /** Submits a job for the selected series and follows it. */
  async launch(launch: JobLaunch): Promise<void> {
    const target = this.selected;
    if (!target) throw new Error('launch: expected a selected series, got none');
    this.events.record('job-launch', { task: launch.task, strength: launch.strength, steps: launch.steps ?? null });
    const job = await this.api.submitJob({
      ...target,
      task: launch.task,
      strength: launch.strength,
      steps: launch.steps,
    });
    this.events.record('job-submitted', { job: job.id });
    await this.openJob(job);
  }

  /** Reviews a job: its source series on the left; streamed frames or the derived series on the right. */
  async openJob(job: JobRecord): Promise<void> {
    const original = this.review.originalStack;
    if (!original || original.seriesInstanceUid !== job.spec.seriesInstanceUid) {
      await this.openSeries({
        studyInstanceUid: job.spec.studyInstanceUid,
        seriesInstanceUid: job.spec.seriesInstanceUid,
      });
    }
    this.closeStream();
    this.reviewed = job;
    this.frames = 0;
    this.progress.fromRecord(job);
    // The stream has one frame per original frame: the total is known before the server has assembled the series.
    if (job.state !== 'done') this.progress.expect(job.id, this.review.originalStack?.frames.length ?? 0);
    this.events.jobChanged(job);
    if (job.state === 'done' && job.derivedSeriesInstanceUid) {
      await this.showDerived(job);
      return;
    }
    if (job.state === 'failed' || job.state === 'cancelled') {
      this.events.status(`Job ${job.state}${job.error ? `: ${job.error.code} ${job.error.message}` : ''}`, 'error');
      return;
    }
    this.review.showStream(job.id);
    this.events.restoredEmpty(false);
    this.events.record('stream-shown', { job: job.id });
    const stream = new JobStream(this.api, job.id, {
      onJob: (j) => {
        if (this.stream !== stream) return;
        this.reviewed = j;
        this.progress.fromRecord(j);
        this.events.jobChanged(j);
      },
      onFrame: (frame) => {
        if (this.stream !== stream) return;
        const imageId = this.streams.put(job.id, frame);
        this.frames = Math.max(this.frames, frame.header.done);
        this.progress.fromFrame(job.id, frame.header);
        this.events.frame(job.id, frame, imageId);
        this.review.frameArrived(imageId);
      },
      onEnd: (end, j) => void this.onEnd(stream, end, j),
      onError: (message) => this.events.status(`Job stream: ${message}`, 'error'),
    });
    this.stream = stream;
    stream.start();
    this.events.status(`Restoring… (job ${job.id.slice(0, 8)})`);
  }

  private async onEnd(stream: JobStream, end: JobEnd, job: JobRecord): Promise<void> {
    if (this.stream !== stream) return;
    this.reviewed = job;
    this.progress.fromRecord(job);
    this.events.jobChanged(job);
    this.events.record('job-end', { job: job.id, end, frames: this.frames });
    if (end !== 'done' || !job.derivedSeriesInstanceUid) {
      this.streams.fail(job.id, end);
      this.events.status(`Job ${end}${job.error ? `: ${job.error.code} ${job.error.message}` : ''}`, 'error');
      return;
    }
    await this.showDerived(job);
  }

  private async showDerived(job: JobRecord): Promise<void> {
    const derivedUid = job.derivedSeriesInstanceUid;
    if (!derivedUid) return;
    try {
      const derived = await loadSeriesStack(this.api, job.spec.studyInstanceUid, derivedUid);
      if (this.reviewed?.id !== job.id) return;
      await this.review.showDerived(job.id, derived);
      this.events.restoredEmpty(false);
      this.events.record('derived-shown', { job: job.id, series: derivedUid, images: derived.imageIds.length });
      const originals = this.review.originalStack?.imageIds.length ?? 0;
      const { pairing, pairedSlices } = this.review.current;
      const n = derived.imageIds.length;
      if (n === originals && pairedSlices === originals) {
        this.events.status(`Done: ${n} restored images (stored derived series)`);
      } else if (pairing === 'position') {
        this.events.status(
          `Done: ${n} restored images for ${originals} originals, paired by slice position: ` +
            `${originals - pairedSlices} original slice(s) have no restored slice`,
        );
      } else {
        this.events.status(
          `Done, but the derived series has ${n} images for ${originals} originals and no slice positions: ` +
            'slices are paired by index and may not match',
          'error',
        );
      }
    } catch (e) {
      this.events.status(`Derived series: ${describeError(e)}`, 'error');
    }
  }

  private closeStream(): void {
    this.stream?.close();
    this.stream = undefined;
  }
}

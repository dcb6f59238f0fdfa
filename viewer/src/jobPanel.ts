import type { JobRecord, JobTask, Strength } from '../../wire/index.js';
import type { ApiClient } from './api.js';
import { h } from './dom.js';
import { describeError } from './errors.js';
import { cancellable } from './jobCancel.js';
import { progressText, type JobProgressStore } from './jobProgress.js';

export interface JobPanelElements {
  readonly form: HTMLFormElement;
  readonly task: HTMLSelectElement;
  /** low / medium / high, next to the task. */
  readonly strength: HTMLSelectElement;
  readonly steps: HTMLInputElement;
  readonly submit: HTMLButtonElement;
  readonly target: HTMLElement;
  readonly message: HTMLElement;
  readonly list: HTMLUListElement;
}

export interface JobLaunch {
  readonly task: JobTask;
  readonly strength: Strength;
  /** DDIM steps; undefined = the server's / pack's default. */
  readonly steps?: number;
}

const POLL_MS = 1500;

/**
 * The job launcher (task, strength, steps → `POST /api/jobs` through `onLaunch`) and the job list (`GET /api/jobs`,
 * polled while the page is visible) with task and strength, a progress bar per job, a Review button and, while a job is
 * queued or running, a Cancel button (`DELETE /api/jobs/{id}`, no confirmation: the original is never touched).
 */
export class JobPanel {
  private timer: number | undefined;
  private jobs: readonly JobRecord[] = [];
  /** Jobs whose cancel was asked and not answered yet (the server answers when the run has stopped). */
  private readonly cancelling = new Set<string>();

  constructor(
    private readonly api: ApiClient,
    private readonly els: JobPanelElements,
    private readonly progress: JobProgressStore,
    private readonly onLaunch: (launch: JobLaunch) => Promise<void>,
    private readonly onReview: (job: JobRecord) => void,
  ) {
    els.form.addEventListener('submit', (e) => {
      e.preventDefault();
      void this.launch();
    });
    this.setTarget(undefined);
    // Between polls the rows follow the count the other views show (frames arrive faster than the poll).
    progress.onChange((jobId) => this.renderProgress(jobId));
  }

  /** The series a launch would restore (shown above the button; the button is off without one). */
  setTarget(label: string | undefined): void {
    this.els.target.textContent = label ?? 'Pick a series first';
    this.els.submit.disabled = label === undefined;
  }

  get list(): readonly JobRecord[] {
    return this.jobs;
  }

  startPolling(): void {
    const tick = async (): Promise<void> => {
      if (document.visibilityState === 'visible') await this.refresh();
      this.timer = window.setTimeout(() => void tick(), POLL_MS);
    };
    if (this.timer === undefined) void tick();
  }

  async refresh(): Promise<void> {
    try {
      this.jobs = (await this.api.jobs()).jobs;
    } catch (e) {
      this.els.message.textContent = describeError(e);
      return;
    }
    for (const j of this.jobs) this.progress.fromRecord(j);
    this.els.list.replaceChildren(...this.jobs.map((j) => this.row(j)));
    if (this.jobs.length === 0) this.els.list.replaceChildren(h('li', { class: 'empty' }, 'No jobs yet'));
  }

  private async launch(): Promise<void> {
    const stepsText = this.els.steps.value.trim();
    const steps = stepsText === '' ? undefined : Number(stepsText);
    if (steps !== undefined && !(Number.isInteger(steps) && steps >= 1 && steps <= 1000)) {
      this.els.message.textContent = `steps: expected an integer 1..1000, got ${stepsText}`;
      return;
    }
    this.els.submit.disabled = true;
    this.els.message.textContent = 'Submitting…';
    try {
      await this.onLaunch({
        task: this.els.task.value as JobTask,
        strength: this.els.strength.value as Strength,
        steps,
      });
      this.els.message.textContent = '';
      await this.refresh();
    } catch (e) {
      this.els.message.textContent = describeError(e);
    } finally {
      this.els.submit.disabled = false;
    }
  }

  /** A row's bar and count, from the one progress store. */
  private renderProgress(jobId: string): void {
    const li = this.els.list.querySelector<HTMLLIElement>(`li[data-job="${CSS.escape(jobId)}"]`);
    const job = this.jobs.find((j) => j.id === jobId);
    if (!li || !job) return;
    const bar = li.querySelector('progress');
    const meta = li.querySelector('.meta');
    const p = this.progress.get(jobId);
    if (bar) {
      bar.max = Math.max(1, p.total);
      bar.value = p.done;
    }
    if (meta) meta.textContent = this.metaText(job);
  }

  private metaText(job: JobRecord): string {
    return `${progressText(this.progress.get(job.id))} frames${job.error ? ` · ${job.error.code}` : ''}`;
  }

  private row(job: JobRecord): HTMLLIElement {
    const { done, total } = this.progress.get(job.id);
    const review = h('button', { type: 'button', class: 'review', 'data-job': job.id }, 'Review');
    review.addEventListener('click', () => this.onReview(job));
    let cancel: HTMLButtonElement | undefined;
    if (cancellable(job.state)) {
      // A poll while the cancel is under way must not offer it again.
      const pending = this.cancelling.has(job.id);
      const button = h(
        'button',
        { type: 'button', class: 'cancel', 'data-job': job.id, disabled: pending },
        pending ? 'Cancelling…' : 'Cancel',
      );
      button.addEventListener('click', () => void this.cancel(job.id, button));
      cancel = button;
    }
    return h(
      'li',
      { 'data-job': job.id, 'data-state': job.state },
      h('span', { class: 'title' }, [job.spec.task, job.spec.strength, job.id.slice(0, 8)].filter(Boolean).join(' · ')),
      h('span', { class: `state state-${job.state}` }, job.stage && job.state === 'running' ? job.stage : job.state),
      h('progress', { max: Math.max(1, total), value: done }),
      h('span', { class: 'meta' }, this.metaText(job)),
      review,
      cancel,
    );
  }

  private async cancel(jobId: string, button: HTMLButtonElement): Promise<void> {
    if (this.cancelling.has(jobId)) return;
    this.cancelling.add(jobId);
    button.disabled = true;
    button.textContent = 'Cancelling…';
    try {
      await this.api.cancelJob(jobId);
      this.els.message.textContent = '';
    } catch (e) {
      // A job that ended meanwhile: SRV_ERR_CONFLICT with its state; the refresh shows it.
      this.els.message.textContent = describeError(e);
    } finally {
      this.cancelling.delete(jobId);
    }
    await this.refresh();
  }
}

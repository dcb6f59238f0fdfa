import type { DemoStatus, SeriesSummary, StudySummary } from '../../wire/index.js';
import type { ApiClient } from './api.js';
import { demoPollMs, emptyStudyListText } from './demoStatus.js';
import { h } from './dom.js';
import { describeError } from './errors.js';
import { seriesCountText } from './seriesCount.js';

export interface StudyBrowserElements {
  readonly studies: HTMLUListElement;
  readonly series: HTMLUListElement;
  readonly refresh: HTMLButtonElement;
}

/**
 * The study/series browser over the local store: `GET /api/sources/local/studies`, then a study's series. Picking a
 * series hands it to `onSeries` (the app opens it in the original pane and selects it for the launcher).
 */
export class StudyBrowser {
  private selectedStudy?: string;
  private selectedSeries?: string;
  /** The series of the study shown in the series list. */
  private shown: readonly SeriesSummary[] = [];
  /** The demo study's generation has ended (or was never running): the server's status is not asked again. */
  private demoSettled = false;
  private demoTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly api: ApiClient,
    private readonly els: StudyBrowserElements,
    private readonly onSeries: (series: SeriesSummary) => void,
    private readonly onError: (message: string) => void,
  ) {
    els.refresh.addEventListener('click', () => void this.refresh());
  }

  /**
   * Lists the studies. While the server generates the demo study, the empty list says so with its progress and the
   * list refreshes itself every `DEMO_POLL_MS` until the generation has ended (then once more: the study is there).
   */
  async refresh(): Promise<void> {
    clearTimeout(this.demoTimer);
    this.demoTimer = undefined;
    let studies: StudySummary[];
    let demo: DemoStatus | undefined;
    try {
      // The status first: 'ready' is said once the study is published, so the list asked for next has it.
      demo = this.demoSettled
        ? undefined
        : await this.api.status().then(
            (s) => s.demo,
            () => undefined,
          );
      studies = await this.api.studies();
    } catch (e) {
      this.onError(describeError(e));
      return;
    }
    // A generation that has ended (or never ran): nothing more to wait for. An unanswered status (no or a wrong token
    // yet) is asked again at the next refresh.
    if (demo && demo.state !== 'generating') this.demoSettled = true;
    const pollMs = demoPollMs(demo);
    if (pollMs !== undefined) this.demoTimer = setTimeout(() => void this.refresh(), pollMs);
    this.els.studies.replaceChildren(
      ...studies.map((s) => {
        const li = h(
          'li',
          { 'data-study': s.studyInstanceUid, class: s.studyInstanceUid === this.selectedStudy ? 'selected' : '' },
          h('span', { class: 'title' }, s.studyDescription || '(no description)'),
          h(
            'span',
            { class: 'meta' },
            [s.patientName, s.studyDate, s.modalities.join('/'), `${s.numberOfSeries ?? '?'} series`]
              .filter(Boolean)
              .join(' · '),
          ),
        );
        li.addEventListener('click', () => void this.showSeries(s.studyInstanceUid));
        return li;
      }),
    );
    if (studies.length === 0)
      this.els.studies.replaceChildren(
        h('li', { class: 'empty', 'data-demo': demo?.state ?? 'unknown' }, emptyStudyListText(demo)),
      );
    if (this.selectedStudy) await this.showSeries(this.selectedStudy);
  }

  async showSeries(studyInstanceUid: string): Promise<void> {
    this.selectedStudy = studyInstanceUid;
    for (const li of this.els.studies.querySelectorAll('li')) {
      li.classList.toggle('selected', li.dataset.study === studyInstanceUid);
    }
    let series: SeriesSummary[];
    try {
      series = await this.api.series(studyInstanceUid);
    } catch (e) {
      this.onError(describeError(e));
      return;
    }
    series.sort((a, b) => (a.seriesNumber ?? 0) - (b.seriesNumber ?? 0));
    if (this.selectedStudy !== studyInstanceUid) return;
    this.shown = series;
    this.els.series.replaceChildren(
      ...series.map((s) => {
        const li = h(
          'li',
          { 'data-series': s.seriesInstanceUid, class: s.seriesInstanceUid === this.selectedSeries ? 'selected' : '' },
          h('span', { class: 'title' }, `${s.seriesNumber ?? ''} ${s.seriesDescription || '(no description)'}`.trim()),
          h('span', { class: 'meta' }, `${s.modality ?? '?'} · ${seriesCountText(s)}`),
        );
        li.addEventListener('click', () => this.pick(s));
        return li;
      }),
    );
  }

  /**
   * Shows a series as selected without picking it (it is on screen already: a job reviewed from the job list opened
   * it): its study's series list, the series highlighted. Resolves with its summary, or undefined when the store does
   * not list it.
   */
  async select(studyInstanceUid: string, seriesInstanceUid: string): Promise<SeriesSummary | undefined> {
    this.selectedSeries = seriesInstanceUid;
    if (this.selectedStudy !== studyInstanceUid || this.shown.length === 0) await this.showSeries(studyInstanceUid);
    else this.highlight(seriesInstanceUid);
    return this.shown.find((s) => s.seriesInstanceUid === seriesInstanceUid);
  }

  private pick(series: SeriesSummary): void {
    this.selectedSeries = series.seriesInstanceUid;
    this.highlight(series.seriesInstanceUid);
    this.onSeries(series);
  }

  private highlight(seriesInstanceUid: string): void {
    for (const li of this.els.series.querySelectorAll('li')) {
      li.classList.toggle('selected', li.dataset.series === seriesInstanceUid);
    }
  }
}

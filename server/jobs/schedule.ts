/** A job as the scheduler sees it. */
export interface Schedulable {
  readonly id: string;
  /** True when it runs on a GPU (webgpu, cuda): those run one at a time. */
  readonly gpu: boolean;
}

/**
 * Which queued jobs start now, in queue order: at most one GPU job running at any time and at most `cpuConcurrency`
 * CPU jobs; a job that must wait does not hold back later jobs of the other kind.
 * @param queued - queued jobs, oldest first
 * @param running - jobs running now
 * @example pickRunnable([{id:'a',gpu:true},{id:'b',gpu:true},{id:'c',gpu:false}], [], 1) // ['a', 'c']
 */
export function pickRunnable(
  queued: readonly Schedulable[],
  running: readonly Schedulable[],
  cpuConcurrency: number,
): string[] {
  let gpuBusy = running.some((r) => r.gpu);
  let cpu = running.filter((r) => !r.gpu).length;
  const picked: string[] = [];
  for (const j of queued) {
    if (j.gpu) {
      if (gpuBusy) continue;
      gpuBusy = true;
    } else {
      if (cpu >= cpuConcurrency) continue;
      cpu++;
    }
    picked.push(j.id);
  }
  return picked;
}

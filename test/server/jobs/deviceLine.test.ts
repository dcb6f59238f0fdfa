import { deviceLine } from '../../../server/jobs/stages/restoreFrames.js';

/** The job log names the device the job actually runs on (the pack's sessions), not the scheduling slot. */
describe('deviceLine', () => {
  it('names the device the pack was loaded on, and the request when it differs', () => {
    expect(deviceLine('cpu', 'auto')).toBe('job runs on cpu (device auto)');
    expect(deviceLine('webgpu', 'webgpu')).toBe('job runs on webgpu');
  });
});

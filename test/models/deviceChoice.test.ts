import { Writable } from 'node:stream';
import { createLogger } from '../../common/index.js';
import { autoChoiceLine, createSessionOn } from '../../models/runtime/devices.js';

/**
 * `--device auto` says in one short line which device it chose and why the others were passed over, and the WebGPU
 * probe runs in a child process (the Vulkan loader's warnings stay out of the server's output).
 */
describe('device choice', () => {
  it('names the chosen device and the short reasons in one line', () => {
    expect(
      autoChoiceLine('cpu', [
        { device: 'cuda', why: 'onnxruntime-node ships without its CUDA libraries; they come from NuGet …' },
        { device: 'webgpu', why: 'Failed to get a WebGPU adapter' },
      ]),
    ).toBe('device auto: using cpu (cuda: CUDA libraries not installed; webgpu: no WebGPU adapter)');
    expect(autoChoiceLine('webgpu', [])).toBe('device auto: using webgpu');
  });

  it('logs one info line for a whole pack, without the long list of errors', async () => {
    const lines: { level: number; msg: string; tried?: unknown }[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        for (const l of chunk.toString('utf8').split('\n').filter(Boolean)) lines.push(JSON.parse(l));
        done();
      },
    });
    const log = createLogger('info', sink);
    const model = 'models/packs/tiny-test/unet/model.onnx';
    const a = await createSessionOn(model, 'auto', log);
    const b = await createSessionOn(model, 'auto', log);
    await a.session.release();
    await b.session.release();
    await new Promise((r) => setImmediate(r));
    const info = lines.filter((l) => l.level === 30);
    expect(info).toHaveLength(1);
    expect(info[0].msg).toMatch(new RegExp(`^device auto: using ${a.device}`));
    expect(info[0].tried).toBeUndefined();
    expect(info[0].msg.length).toBeLessThan(160);
  }, 60_000);
});

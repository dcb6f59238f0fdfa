import { PackPool } from '../../../server/jobs/PackPool.js';
import { PACK, silent } from './fixtures.js';

describe('PackPool', () => {
  it('loads a pack once per (folder, device) and hands the same sessions to every job', async () => {
    const pool = new PackPool(silent);
    const [a, b] = await Promise.all([pool.acquire(PACK, 'cpu'), pool.acquire(PACK, 'cpu')]);
    expect(b).toBe(a);
    expect(await pool.acquire(`${PACK}/`, 'cpu')).toBe(a);
    expect(a.device).toBe('cpu');
    await pool.close();
  });

  it('does not cache a failed load; classifies devices for the scheduler', async () => {
    const pool = new PackPool(silent);
    await expect(pool.acquire('/nonexistent/pack', 'cpu')).rejects.toMatchObject({ code: 'MODEL_ERR_PACK_NOT_FOUND' });
    await expect(pool.acquire('/nonexistent/pack', 'cpu')).rejects.toMatchObject({ code: 'MODEL_ERR_PACK_NOT_FOUND' });
    expect(pool.isGpu('cpu')).toBe(false);
    expect(pool.isGpu('cuda')).toBe(true);
    expect(pool.isGpu('webgpu')).toBe(true);
    expect(pool.isGpu('auto')).toBe(true); // until an auto load says otherwise
    await pool.close();
  });
});

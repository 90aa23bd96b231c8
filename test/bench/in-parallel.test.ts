import { describe, expect, it } from 'vitest';
import { inParallel, retried } from '../../bench/in-parallel.js';

const after = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('inParallel', () => {
  it('runs every job, at most `width` at a time, results in job order', async () => {
    let running = 0;
    let most = 0;
    const jobs = [30, 10, 20, 5, 15].map((ms, i) => async () => {
      most = Math.max(most, ++running);
      await after(ms);
      running--;
      return i;
    });
    expect(await inParallel(jobs, 2)).toEqual([0, 1, 2, 3, 4]);
    expect(most).toBe(2);
  });

  it('throws a failure only after the jobs still running have ended, and starts no new job', async () => {
    const ended: string[] = [];
    const jobs = [
      async () => { await after(5); throw new Error('first job failed'); },
      async () => { await after(80); ended.push('slow'); return 'slow'; },
      async () => { ended.push('never'); return 'never'; },
    ];
    await expect(inParallel(jobs, 2)).rejects.toThrow('first job failed');
    expect(ended).toEqual(['slow']);
  });
});

describe('retried', () => {
  it('runs a job again after a failure, reporting it, and returns the later result', async () => {
    const reported: string[] = [];
    let attempt = 0;
    const job = async () => {
      if (++attempt === 1) throw new Error('11991 of 12000 tool calls succeeded');
      return 'counts';
    };
    expect(await retried(2, job, (error, n) => reported.push(`${n}: ${error.message}`))).toBe('counts');
    expect(reported).toEqual(['1: 11991 of 12000 tool calls succeeded']);
  });

  it('throws the last failure once every attempt failed', async () => {
    let attempt = 0;
    const job = async (): Promise<string> => { throw new Error(`attempt ${++attempt}`); };
    await expect(retried(2, job, () => {})).rejects.toThrow('attempt 2');
    expect(attempt).toBe(2);
  });
});

/**
 * Runs `jobs` at most `width` at a time. When a job fails no new job starts, and the failure is
 * thrown only once the running jobs have ended: a caller's cleanup (removing the directory the
 * jobs write into) must not race the jobs still running.
 */
export async function inParallel<T>(jobs: (() => Promise<T>)[], width: number): Promise<T[]> {
  const results: T[] = [];
  const failures: unknown[] = [];
  let next = 0;
  const lane = async () => {
    while (next < jobs.length && failures.length === 0) {
      const i = next++;
      try {
        results[i] = await jobs[i]!();
      } catch (error) {
        failures.push(error);
      }
    }
  };
  await Promise.all(Array.from({ length: width }, lane));
  if (failures.length > 0) throw failures[0];
  return results;
}

/**
 * Runs `job` up to `attempts` times, until it succeeds; each failure but the last goes to
 * `onFailure`. For runs whose result a transient failure would spoil (a connection reset on a
 * machine loaded under valgrind) in a benchmark that would otherwise lose every other run.
 */
export async function retried<T>(attempts: number, job: () => Promise<T>, onFailure: (error: Error, attempt: number) => void): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await job();
    } catch (error) {
      if (attempt >= attempts) throw error;
      onFailure(error as Error, attempt);
    }
  }
}

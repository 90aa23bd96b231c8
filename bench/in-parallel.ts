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

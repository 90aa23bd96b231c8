// A bounded simulator run the check starts itself (a drill burst, or session churn).
import { execa } from 'execa';
import { simulatorArgv, simulatorEnv, type SimulatorLoad } from '../reference.js';

export interface SimulatorRun {
  /** Settles when the run ends by itself. */
  done: Promise<void>;
  /** Ends the run early if it is still going, and waits for it. */
  stop: () => Promise<void>;
}

export function runSimulator(root: string, url: string, load: SimulatorLoad): SimulatorRun {
  const [file, ...args] = simulatorArgv(root, url, load) as [string, ...string[]];
  const run = execa(file, args, {
    cwd: root, reject: false, timeout: (load.durationSeconds + 30) * 1000, stdio: 'ignore', env: simulatorEnv('stack-check', load),
  });
  const done = run.then(() => undefined);
  return {
    done,
    stop: async () => {
      run.kill('SIGTERM');
      await done;
    },
  };
}

/**
 * Back-to-back short simulator runs until stopped: each opens and closes its sessions, so
 * handshake rates and session durations keep flowing while the check reads them.
 */
export function churnSessions(root: string, url: string): SimulatorRun {
  let stopped = false;
  let current: SimulatorRun | undefined;
  const loop = (async () => {
    while (!stopped) {
      current = runSimulator(root, url, { durationSeconds: 5, sessions: 2, rate: 2 });
      await current.done;
    }
  })();
  return {
    done: loop,
    stop: async () => {
      stopped = true;
      await current?.stop();
      await loop;
    },
  };
}

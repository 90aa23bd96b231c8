// Compose mode: used when a Docker engine answers. The compose file reads the same MCP_STACK_*
// port and credential variables as native mode.
import Docker from 'dockerode';
import { execa } from 'execa';
import { COMPOSE_FILE, COMPOSE_PROJECT } from './compose.js';

/** Whether a Docker engine answers a ping within `timeoutMs`. */
export async function dockerEngineAnswers(timeoutMs = 1_500): Promise<boolean> {
  const docker = new Docker({ timeout: timeoutMs });
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      docker.ping(),
      new Promise((_, reject) => { timer = setTimeout(() => reject(new Error('timeout')), timeoutMs); }),
    ]);
    return true;
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}

const compose = (root: string, args: readonly string[]) =>
  execa('docker', ['compose', '-f', COMPOSE_FILE, '-p', COMPOSE_PROJECT, ...args], { cwd: root, stdio: 'inherit' });

/** Builds the repository image and starts every service, waiting for their healthchecks. */
export async function composeUp(root: string): Promise<void> {
  await compose(root, ['up', '-d', '--build', '--wait', '--wait-timeout', '300']);
}

export async function composeDown(root: string, purge: boolean): Promise<void> {
  await compose(root, ['down', ...(purge ? ['--volumes'] : [])]);
}

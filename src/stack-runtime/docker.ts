// Compose mode of the repository's stack: used when a Docker engine answers. The compose file reads
// the same MCP_STACK_* port and credential variables as native mode.
import { execa } from 'execa';
import { COMPOSE_FILE, COMPOSE_PROJECT } from './compose.js';

/** Whether a Docker engine answers `docker info` within `timeoutMs` (no docker CLI: no engine). */
export async function dockerEngineAnswers(timeoutMs = 3_000): Promise<boolean> {
  const result = await execa('docker', ['info', '--format', '{{.ServerVersion}}'], { timeout: timeoutMs, reject: false });
  return result.exitCode === 0 && result.stdout.trim() !== '';
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

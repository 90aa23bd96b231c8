// `mcp-observability wrap [options] -- <command …>`: runs a stdio MCP server under observation, as
// a drop-in `command` in an MCP client's server configuration. Exits as the server did: its code,
// or the same signal.
//
// Two processes: the one the client starts is a launcher off the data path, and the relay is its
// child (stdin, stdout and stderr inherited). The relay's threads block in read(2) on the client's
// stdin, and a thread blocked there keeps process.exit() from returning (Node 20 and 22); so the
// relay reports the server's exit to the launcher over IPC, the launcher kills it by PID and exits
// as the server did. The launcher never reads stdin or writes stdout.
import { fork } from 'node:child_process';
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { INSTRUMENTATION_OPTIONS, INSTRUMENTATION_USAGE, instrumentationFrom } from '../relay/instrumentation-options.js';
import { wrapStdioServer, type ChildExit } from '../relay/stdio-wrapper.js';
import { UsageError } from './usage-error.js';

export const WRAP_USAGE = `usage: mcp-observability wrap [options] -- <command> [args…]
  Runs a stdio MCP server, passes stdin and stdout through byte for byte, and serves the
  metrics of every JSON-RPC message both ways on a loopback port.
${INSTRUMENTATION_USAGE}`;

/** Signals passed on to the server (by the launcher to the relay, by the relay to the server). */
const FORWARDED: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/** What the relay tells the launcher once the server has exited and everything is flushed. */
export type RelayReport = { code: number | null; signal: NodeJS.Signals | null } | { spawnFailed: true };

/** The relay's entry module, beside this one (.ts under tsx, .js once compiled). */
const RELAY_MAIN = new URL(`../relay/wrap-relay-main${extname(fileURLToPath(import.meta.url))}`, import.meta.url);

/** The launcher: runs the relay and exits as the server did; the relay itself answers --help and usage errors. */
export async function wrapCommand(argv: string[]): Promise<number> {
  const relay = fork(fileURLToPath(RELAY_MAIN), argv, { stdio: ['inherit', 'inherit', 'inherit', 'ipc'] });
  const forward = (signal: NodeJS.Signals) => relay.kill(signal);
  for (const signal of FORWARDED) process.on(signal, forward);
  let report: RelayReport | undefined;
  relay.once('message', (message) => {
    report = message as RelayReport;
    relay.kill('SIGKILL');
  });
  const [relayCode, relaySignal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) => {
    relay.once('exit', (code, signal) => resolve([code, signal]));
  });
  for (const signal of FORWARDED) process.off(signal, forward);
  // Without a report the relay ended on its own (usage error, --help, a crash): exit as it did.
  const exit = report ?? { code: relayCode, signal: relaySignal };
  if ('spawnFailed' in exit) return 127;
  if (exit.signal) {
    // The client sees what it would have seen without the wrapper: death by the same signal.
    process.kill(process.pid, exit.signal);
    await new Promise(() => {});
  }
  return exit.code ?? 1;
}

/** The relay: serves the metrics, runs the server and relays its stdio; settles with the report once all is flushed. */
export async function serveWrapped(argv: string[]): Promise<RelayReport | number> {
  const split = argv.indexOf('--');
  const own = split === -1 ? argv : argv.slice(0, split);
  const [command, ...args] = split === -1 ? [] : argv.slice(split + 1);
  let values;
  try {
    ({ values } = parseArgs({ args: own, options: { ...INSTRUMENTATION_OPTIONS, help: { type: 'boolean', short: 'h', default: false } }, strict: true }));
  } catch (err) {
    throw new UsageError((err as Error).message, WRAP_USAGE);
  }
  if (values.help) {
    console.log(WRAP_USAGE);
    return 0;
  }
  if (command === undefined) throw new UsageError('give the server command after --', WRAP_USAGE);
  const made = instrumentationFrom(values);
  if (typeof made === 'string') throw new UsageError(made, WRAP_USAGE);
  const { instrumentation, port } = made;
  let catchUp = () => {};
  // A scrape right after an answer must count it: the relay observes in batches, so it catches up first.
  const metrics = await instrumentation.serveMetrics({ port, host: values['metrics-host'], beforeEach: () => catchUp() });
  console.error(`mcp-observability wrap: metrics on ${metrics.url}/metrics (pid ${process.ppid}, relay pid ${process.pid})`);

  const server = wrapStdioServer({ command, args, instrumentation });
  catchUp = server.catchUp;
  const forward = (signal: NodeJS.Signals) => server.kill(signal);
  for (const signal of FORWARDED) process.on(signal, forward);
  const exit: ChildExit = await server.exited;
  await metrics.close();
  await instrumentation.close();
  if (exit.spawnError) {
    console.error(`mcp-observability wrap: could not start ${command}: ${exit.spawnError.message}`);
    return { spawnFailed: true };
  }
  return { code: exit.code, signal: exit.signal };
}

#!/usr/bin/env node
// `mcp-observability <command>`: one entry for everything a user runs. Exit codes: 0 success,
// 1 the command ran and found a failure (broken audit chain, failed check or publish), 2 usage or config.
import { ConfigError } from './config/load.js';
import { OwnershipError } from './build/write.js';
import { auditExport, AUDIT_EXPORT_USAGE } from './commands/audit-export.js';
import { auditVerify, AUDIT_VERIFY_USAGE } from './commands/audit-verify.js';
import { buildCommand } from './commands/build.js';
import { logsShip, LOGS_SHIP_USAGE } from './commands/logs-ship.js';
import { stackCommand } from './commands/stack.js';
import { UsageError } from './commands/usage-error.js';
import { publish } from './publish/run.js';
import { probeCommand } from './commands/probe.js';
import { proxyCommand } from './commands/proxy.js';
import { wrapCommand } from './commands/wrap.js';

const USAGE = `usage: mcp-observability <command> [options]   (each command has --help)

commands:
  build          generate dashboards, alert and recording rules, promtool tests and the runbook from your config
  publish        plan, then apply the generated dashboards and rules to Grafana or a Prometheus-compatible ruler
  up             run Prometheus, Alertmanager (and Grafana when installed) against your MCP servers
  check          verify the running stack: targets, recording rules, every dashboard panel
  down           stop what up started
  audit verify   check an audit trail's hash chain
  audit export   normalised SIEM events from an audit trail and a server log
  logs ship      tail a server's JSON log and audit trail into VictoriaLogs
  wrap           run a stdio MCP server under observation (a drop-in command for MCP clients)
  proxy          a Streamable HTTP reverse proxy that observes an MCP server
  probe          a blackbox prober: /probe?target=URL runs a synthetic MCP session`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'build': return buildCommand(rest);
    case 'publish': return publish(rest, process.env, { out: (line) => console.log(line), err: (line) => console.error(line) });
    case 'up':
    case 'check':
    case 'down': return stackCommand(command, rest);
    case 'audit': {
      const [sub, ...args] = rest;
      if (sub === 'verify') return auditVerify(args);
      if (sub === 'export') return auditExport(args);
      throw new UsageError(`audit: expected verify or export, got ${sub ?? 'nothing'}`, `${AUDIT_VERIFY_USAGE}\n${AUDIT_EXPORT_USAGE}`);
    }
    case 'logs': {
      const [sub, ...args] = rest;
      if (sub === 'ship') return logsShip(args);
      throw new UsageError(`logs: expected ship, got ${sub ?? 'nothing'}`, LOGS_SHIP_USAGE);
    }
    case 'wrap': return wrapCommand(rest);
    case 'proxy': return proxyCommand(rest);
    case 'probe': return probeCommand(rest);
    case undefined:
    case '--help':
    case '-h':
    case 'help':
      console.log(USAGE);
      return command === undefined ? 2 : 0;
    default:
      throw new UsageError(`unknown command: ${command}`, USAGE);
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    if (err instanceof UsageError) {
      console.error(`error: ${err.message}\n\n${err.usage}`);
      process.exit(2);
    }
    if (err instanceof ConfigError || err instanceof OwnershipError) {
      console.error(`error: ${err.message}`);
      process.exit(2);
    }
    console.error(`error: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);

// Command-line entry: `mcp-observability <command> [--config file]`.
import { parseArgs } from 'node:util';
import { build } from './build/index.js';
import { ConfigError, loadConfig } from './config/load.js';

const USAGE = `usage: mcp-observability <command> [--config FILE]

commands:
  build    generate dashboards/, alerts/ and Grafana provisioning from the signal catalogue`;

async function main(argv: string[]): Promise<number> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { config: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  });
  const [command] = positionals;
  if (values.help || !command) {
    console.log(USAGE);
    return values.help ? 0 : 2;
  }
  const config = loadConfig(values.config);
  switch (command) {
    case 'build': {
      const started = performance.now();
      const report = build(process.cwd(), config);
      for (const path of report.written) console.log(`wrote    ${path}`);
      for (const path of report.removed) console.log(`removed  ${path}`);
      const ms = Math.round(performance.now() - started);
      console.log(`build: ${report.written.length} written, ${report.unchanged.length} unchanged, ${report.removed.length} removed ` +
        `(profiles: ${config.profiles.join(', ')}) in ${ms} ms`);
      return 0;
    }
    default:
      console.error(`unknown command: ${command}\n\n${USAGE}`);
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    if (err instanceof ConfigError || (err instanceof Error && err.name === 'TypeError' && 'code' in err)) {
      console.error(`error: ${err.message}`);
    } else {
      console.error(err);
    }
    process.exit(2);
  },
);

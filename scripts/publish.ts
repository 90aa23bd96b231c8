// Entry point behind `npm run publish`; see docs/publish.md.
import { publish } from '../src/publish/run.js';

const code = await publish(process.argv.slice(2), process.env, {
  out: (line) => console.log(line),
  err: (line) => console.error(line),
});
process.exit(code);

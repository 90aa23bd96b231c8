// `npm run assemble:pump`: assembles wrap's relay pump (src/cli/relay/pump.wat) with wabt into the
// module the CLI loads (src/cli/relay/pump-wasm.ts), so the published package needs no assembler.
// test/relay/pump.test.ts fails when the committed module is not this text's assembly.
import { writeFileSync } from 'node:fs';
import { assemblePump, PUMP_MODULE_FILE } from './pump-assembly.js';

writeFileSync(PUMP_MODULE_FILE, await assemblePump());
console.log(`wrote ${PUMP_MODULE_FILE}`);

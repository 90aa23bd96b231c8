// Starts a worker thread on one of this package's modules. Installed, the module is compiled
// JavaScript and loads as it is. Run from the repository's sources (tests, `npm run`), it is
// TypeScript under tsx, whose loader a worker does not inherit on Node 20 and 22: the worker
// registers tsx itself before importing the module.
import { Worker } from 'node:worker_threads';

export function startModuleWorker(module: URL, workerData: unknown): Worker {
  if (!module.pathname.endsWith('.ts')) return new Worker(module, { workerData });
  const bootstrap = `import('tsx/esm/api').then(({ register }) => register()).then(() => import(${JSON.stringify(module.href)}))`;
  return new Worker(bootstrap, { eval: true, workerData, execArgv: ['--input-type=module', ...process.execArgv] });
}

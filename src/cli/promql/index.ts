export * from './expr.js';
export * from './parse.js';
export * from './signals.js';

// What the repository's own stack borrows from the reference server: its bearer-token signing and
// the shape of a fault its drills inject.
export { signJwt } from './auth/jwt.js';
export { parseMintOptions } from './auth/mint-options.js';
export type { FaultSpec } from './faults/fault-spec.js';

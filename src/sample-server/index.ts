// What the repository's own stack borrows from the reference server: its bearer-token signing.
export { signJwt } from './auth/jwt.js';
export { parseMintOptions } from './auth/mint-options.js';

// Floor of a TCP-level Node relay (the design of `mcp-observability proxy`): each client connection
// paired with one upstream connection, sockets piped both ways, nothing parsed or rewritten.
// Prints "listening on URL" on stderr as `mcp-observability proxy` does.
import { connect, createServer } from 'node:net';

const upstream = new URL(process.argv[2]);
const server = createServer({ noDelay: true }, (client) => {
  const up = connect({ host: upstream.hostname, port: Number(upstream.port), noDelay: true });
  client.pipe(up).on('error', () => client.destroy());
  up.pipe(client).on('error', () => up.destroy());
  client.on('error', () => up.destroy());
  up.on('error', () => client.destroy());
});
server.listen(0, '127.0.0.1', () => console.error(`listening on http://127.0.0.1:${server.address().port}`));
process.on('SIGTERM', () => process.exit(0));

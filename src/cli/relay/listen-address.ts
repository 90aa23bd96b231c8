/** HOST:PORT or [v6]:PORT, as --listen takes it; undefined when malformed. */
export function parseListen(text: string): { host: string; port: number } | undefined {
  const match = /^(?:\[([^\]]+)\]|([^:]+)):(\d+)$/.exec(text);
  const port = Number(match?.[3]);
  return match && port <= 65535 ? { host: match[1] ?? match[2]!, port } : undefined;
}

// One JSON-RPC exchange over Streamable HTTP, as a client makes it: POST the message, read the
// answer as JSON or as an SSE stream up to the response with the request's id.
import { SseReader } from '../relay/sse-reader.js';

export interface RpcAnswer {
  status: number;
  sessionId?: string;
  /** The JSON-RPC response to the request (undefined for notifications, answered 202). */
  response?: { result?: Record<string, unknown>; error?: { code: number; message: string } };
}

export async function postMessage(url: URL, message: { id?: number; method: string; params?: unknown }, headers: Record<string, string>,
  signal: AbortSignal): Promise<RpcAnswer> {
  const answer = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...headers },
    body: JSON.stringify({ jsonrpc: '2.0', ...message }),
    signal,
  });
  const base = { status: answer.status, sessionId: answer.headers.get('mcp-session-id') ?? undefined };
  if (message.id === undefined || !answer.ok || !answer.body) {
    await answer.body?.cancel();
    return base;
  }
  const type = answer.headers.get('content-type') ?? '';
  if (type.startsWith('application/json')) return { ...base, response: await answer.json() as RpcAnswer['response'] };
  if (!type.startsWith('text/event-stream')) throw new Error(`answer of type "${type}"`);
  let response: RpcAnswer['response'];
  const events = new SseReader((data) => {
    const parsed = JSON.parse(data) as { id?: unknown } & RpcAnswer['response'];
    if (parsed.id === message.id) response = parsed;
  }, () => {});
  const reader = answer.body.getReader();
  while (response === undefined) {
    const { done, value } = await reader.read();
    if (done) break;
    events.push(value);
  }
  await reader.cancel();
  return { ...base, response };
}

// Parses what a relay forwarded and hands each JSON-RPC message to the tap (batches one by one).
import type { MessageTap } from '@mcp-observability/instrument';

export type Side = 'fromClient' | 'fromServer';

/**
 * Returns false when the text is not JSON (it was forwarded all the same). A batch's messages are
 * sized by their own serialisation: the body's bytes belong to the batch as a whole.
 */
export function observeJson(tap: MessageTap, side: Side, text: string, bytes: number, passedAt?: number): boolean {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return false;
  }
  if (Array.isArray(parsed)) {
    for (const message of parsed) tap[side](message, Buffer.byteLength(JSON.stringify(message)), passedAt);
  } else {
    tap[side](parsed, bytes, passedAt);
  }
  return true;
}

// Guardrails on tools/call results, applied once per result just before it is sent: the size of
// what the tool produced (context-window cost), optional redaction of secrets and personal data in
// what leaves the server (DLP), and optional truncation of text beyond a byte budget.
import type { Redactor } from './redact.js';

interface ContentItem {
  type?: string;
  text?: unknown;
}
export interface ToolResultLike {
  content?: unknown;
  structuredContent?: unknown;
}

export interface ToolResultPolicy {
  /** Text beyond this many UTF-8 bytes is cut, with a marker line saying so. */
  maxBytes?: number;
  /** Redacts secrets and personal data in text and structured content (counted as location="output"). */
  redactor?: Redactor;
}

export interface ToolResultReport {
  /** Content bytes as the tool produced them. */
  bytes: number;
  truncated: boolean;
}

const textBytes = (s: string): number => Buffer.byteLength(s, 'utf8');

function itemBytes(item: ContentItem): number {
  return typeof item.text === 'string' && item.type === 'text' ? textBytes(item.text) : JSON.stringify(item).length;
}

/** The first `bytes` UTF-8 bytes of `s`, never splitting a character. */
function cutUtf8(s: string, bytes: number): string {
  return Buffer.from(s, 'utf8').subarray(0, bytes).toString('utf8').replace(/\uFFFD+$/, '');
}

/** Measures, redacts and truncates a result in place (it is about to be serialised). */
export function applyToolResultPolicy(result: ToolResultLike, policy: ToolResultPolicy): ToolResultReport {
  if (!Array.isArray(result.content)) return { bytes: 0, truncated: false };
  const content = result.content as ContentItem[];
  let bytes = 0;
  for (const item of content) bytes += itemBytes(item);
  if (policy.redactor) {
    for (const item of content) if (item.type === 'text' && typeof item.text === 'string') item.text = policy.redactor.redactString(item.text);
    if (result.structuredContent !== undefined) result.structuredContent = policy.redactor.redactStrings(result.structuredContent);
  }
  const max = policy.maxBytes;
  if (max === undefined || bytes <= max) return { bytes, truncated: false };
  let left = max;
  const kept: ContentItem[] = [];
  for (const item of content) {
    const size = itemBytes(item);
    if (size <= left) {
      kept.push(item);
      left -= size;
    } else if (item.type === 'text' && typeof item.text === 'string') {
      kept.push({ ...item, text: `${cutUtf8(item.text, left)}\n[truncated by the server: ${max} of ${bytes} bytes shown]` });
      break;
    } else {
      break;
    }
  }
  result.content = kept;
  return { bytes, truncated: true };
}

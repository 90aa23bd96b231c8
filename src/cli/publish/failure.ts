// Turns an unwanted HTTP status into a message that says what went wrong and what to do,
// because "HTTP 403" alone sends the user hunting through Grafana's RBAC docs.
import { serverMessage, type HttpResponse } from './http.js';
import type { Redactor } from './redact.js';

/** A failure the publisher reports in its summary; `fatal` ones (bad credentials) stop the run. */
export class PublishFailure extends Error {
  constructor(message: string, readonly fatal = false) {
    super(message);
    this.name = 'PublishFailure';
  }
}

/** The operation being attempted, in words a user can act on. */
export interface Operation {
  /** e.g. "save dashboard mcp-overview" */
  what: string;
  /** The permission the credentials need, e.g. "dashboards:write on folder mcp-observability (Editor role)". */
  permission: string;
  /** What a 404 means here. */
  notFound?: string;
  /** Where the credentials come from, for the 401 hint. */
  credentials: string;
}

export function failureFor(res: HttpResponse, op: Operation, redactor: Redactor): PublishFailure {
  const said = serverMessage(res);
  const server = said ? ` (server said: ${said})` : '';
  let message: string;
  let fatal = false;
  switch (res.status) {
    case 401:
      message = `${op.what}: authentication failed (401)${server}. Check ${op.credentials}: the token may be wrong, expired or from another instance.`;
      fatal = true;
      break;
    case 403:
      message = `${op.what}: permission denied (403)${server}. The credentials need ${op.permission}.`;
      break;
    case 404:
      message = `${op.what}: not found (404)${server}. ${op.notFound ?? 'Check the URL, including any sub-path such as /grafana.'}`;
      break;
    case 406:
      message = `${op.what}: refused by the legacy /api endpoint (406)${server}. The dashboard is stored as schema v2; ` +
        'it can only be written through /apis/dashboard.grafana.app, which this Grafana did not offer.';
      break;
    case 409:
    case 412:
      message = `${op.what}: version conflict (${res.status})${server}. Someone changed it on the server while we were publishing, ` +
        'or another dashboard with the same title or uid is in the way. Run with --dry-run to see the current plan, then publish again.';
      break;
    default:
      message = `${op.what}: HTTP ${res.status}${server}.`;
  }
  return new PublishFailure(redactor.redact(message), fatal);
}

/** Bad flags, environment or local files: nothing was sent; exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

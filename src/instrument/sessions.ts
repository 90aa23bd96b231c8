// Open sessions: the idle gauge and the reaper. The SDK never times a session out, so a client
// that vanishes without DELETE keeps its transport (and server) forever; the reaper closes
// sessions that sent nothing for longer than the limit.
import { LOG_EVENTS } from '@mcp-observability/catalog';
import type { Logger } from './logger.js';
import type { Recorder, SessionEndReason, TransportKind } from './events.js';

export interface SessionHandle {
  readonly transport: TransportKind;
  /** Date.now() of the last inbound message. */
  lastActivity: number;
  sessionId(): string | undefined;
  /** Closes the transport; its onclose reports the session closed for `reason`. */
  close(reason: SessionEndReason): Promise<void>;
}

export interface SessionLimits {
  /** Seconds without a message after which a session counts as idle. */
  idleAfterSeconds: number;
  /** Seconds without a message after which the reaper closes a session. */
  reapAfterSeconds: number;
}

/** A session a client name opens within this long after its previous one closed is a reconnection. */
export const RECONNECT_WINDOW_MS = 60_000;

export class SessionTracker {
  private readonly open = new Set<SessionHandle>();
  /** When each (transport, bounded client name) last closed a session: bounded by the client-name cap. */
  private readonly lastClosed = new Map<string, number>();
  /** Set by shutdown: sessions closing from now on end with reason server_shutdown. */
  shuttingDown = false;
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly limits: SessionLimits, private readonly recorder: Recorder, private readonly logger: Logger) {
    const shortest = Math.min(limits.idleAfterSeconds, limits.reapAfterSeconds);
    const everyMs = Math.min(15_000, Math.max(10, (shortest * 1000) / 4));
    this.timer = setInterval(() => this.sweep(), everyMs);
    this.timer.unref();
  }

  add(s: SessionHandle): void {
    this.open.add(s);
  }

  delete(s: SessionHandle): void {
    this.open.delete(s);
  }

  /** Notes that `client` closed a session on `transport` now. */
  closedBy(transport: TransportKind, client: string, now = Date.now()): void {
    this.lastClosed.set(`${transport} ${client}`, now);
  }

  /** Whether `client` closed a session on `transport` within RECONNECT_WINDOW_MS. */
  reconnects(transport: TransportKind, client: string, now = Date.now()): boolean {
    const closed = this.lastClosed.get(`${transport} ${client}`);
    return closed !== undefined && now - closed < RECONNECT_WINDOW_MS;
  }

  get size(): number {
    return this.open.size;
  }

  /** Updates the idle gauge and closes sessions past the reap limit. */
  sweep(now = Date.now()): void {
    const idle: Record<TransportKind, number> = { stdio: 0, http: 0 };
    for (const s of this.open) {
      const quietSeconds = (now - s.lastActivity) / 1000;
      if (quietSeconds >= this.limits.reapAfterSeconds) {
        this.open.delete(s);
        this.logger.notice(LOG_EVENTS.sessionReaped,
          { session_id: s.sessionId(), transport: s.transport, idle_seconds: Math.round(quietSeconds) });
        s.close('reaped_idle').catch((err: unknown) => this.logger.error('closing an idle session failed', { error: String(err) }));
      } else if (quietSeconds >= this.limits.idleAfterSeconds) {
        idle[s.transport]++;
      }
    }
    this.recorder.idleSessions('stdio', idle.stdio);
    this.recorder.idleSessions('http', idle.http);
  }

  /** Closes every open session (instrumentation shutdown). */
  async closeAll(): Promise<void> {
    clearInterval(this.timer);
    const all = [...this.open];
    this.open.clear();
    this.shuttingDown = true;
    await Promise.allSettled(all.map((s) => s.close('server_shutdown')));
  }
}

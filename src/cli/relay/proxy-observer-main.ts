// The proxy's observing worker: owns the instrumentation (its /metrics port, logs and audit
// trail) and observes the relaying thread's events from the shared ring, in batches
// (observer-loop.ts); a scrape first observes everything relayed so far. Messages from the main thread: 'close' (observe the rest, close the
// sessions and the instrumentation, answer 'closed').
import { parentPort, workerData } from 'node:worker_threads';
import { RingReader, doorbellOf, type RingLayout } from './byte-ring.js';
import { instrumentationFrom, type InstrumentationValues } from './instrumentation-options.js';
import { startObserverLoop } from './observer-loop.js';
import { createProxyObserver } from './proxy-observer.js';

/** What the main thread starts the worker with. */
export interface ObserverData {
  values: InstrumentationValues;
  upstream: string;
  buffer: SharedArrayBuffer;
  ring: RingLayout;
  /** The main thread's performance.timeOrigin: event times are its performance.now() readings. */
  timeOrigin: number;
}

/** What the worker tells the main thread once it is serving /metrics, or why it could not. */
export type ObserverReady = { metrics: string } | { error: string };

const { values, upstream, buffer, ring, timeOrigin } = workerData as ObserverData;
const port = parentPort!;
try {
  const made = instrumentationFrom(values);
  if (typeof made === 'string') throw new Error(made);
  const { instrumentation } = made;
  const observer = createProxyObserver(new URL(upstream), instrumentation);
  // Both clocks run from their thread's start on the same monotonic clock: they differ by the starts.
  const reader = new RingReader(buffer, ring, performance.timeOrigin - timeOrigin);
  const drain = () => {
    while (reader.nextTag() !== undefined) {
      const { tag, bytes, passedAt } = reader.take();
      observer.event(tag, bytes, passedAt);
    }
    reader.release();
  };

  const loop = startObserverLoop(doorbellOf(buffer), drain);

  const metrics = await instrumentation.serveMetrics({ port: Number(values['metrics-port']), host: values['metrics-host'], beforeEach: drain });
  port.on('message', (message) => {
    if (message !== 'close') return;
    void (async () => {
      await loop.stop();
      drain();
      observer.close();
      await metrics.close();
      await instrumentation.close();
      port.postMessage('closed');
      port.close();
    })();
  });
  port.postMessage({ metrics: metrics.url } satisfies ObserverReady);
} catch (err) {
  port.postMessage({ error: (err as Error).message } satisfies ObserverReady);
  port.close();
}

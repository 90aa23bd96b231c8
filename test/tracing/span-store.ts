// InMemorySpanExporter forgets its spans on shutdown, and close() shuts the provider down after
// flushing; this one keeps them, so tests can read what close() flushed.
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';

export class SpanStore extends InMemorySpanExporter {
  override shutdown(): Promise<void> {
    return Promise.resolve();
  }
}

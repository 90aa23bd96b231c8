// Registers a profile's metric families exactly as the catalogue defines them (name, help,
// labelNames, buckets). Runtime families are registered by the runtime collectors instead.
import { Counter, Gauge, Histogram, type Registry, type RegistryContentType } from 'prom-client';
import type { MetricFamily, Profile } from '@mcp-observability/catalog';

export type FamilyMetric = Counter<string> | Gauge<string> | Histogram<string>;

export class CatalogMetrics {
  private readonly byName = new Map<string, FamilyMetric>();

  constructor(readonly profile: Profile, registry: Registry<RegistryContentType>, exemplarFamilies: ReadonlySet<string>) {
    for (const f of profile.families) {
      if (f.runtime) continue;
      this.byName.set(f.name, createMetric(f, registry, exemplarFamilies.has(f.name)));
    }
  }

  /** The family's metric if this profile has it; recorders skip signals their profile lacks. */
  maybe<T extends FamilyMetric>(name: string): T | undefined {
    return this.byName.get(name) as T | undefined;
  }
}

function createMetric(f: MetricFamily, registry: Registry<RegistryContentType>, enableExemplars: boolean): FamilyMetric {
  const common = { name: f.name, help: f.help, labelNames: [...f.labelNames], registers: [registry] };
  switch (f.type) {
    case 'counter':
      return new Counter(common);
    case 'gauge':
      return new Gauge(common);
    case 'histogram':
      return new Histogram({ ...common, buckets: [...(f.buckets ?? [])], enableExemplars });
  }
}

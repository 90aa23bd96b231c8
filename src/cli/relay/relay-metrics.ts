// The relay families (wrap, proxy) registered next to the profile's on the instrumentation's registry.
import { Counter, type Registry, type RegistryContentType } from 'prom-client';
import { RELAY_FAMILIES } from '@mcp-observability/catalog';

type RelayFamily = 'mcp_wrapped_server_exits_total' | 'mcp_proxy_upstream_errors_total' | 'mcp_relay_unobserved_messages_total';

export function relayCounter(registry: Registry<RegistryContentType>, name: RelayFamily): Counter<string> {
  const f = RELAY_FAMILIES.find((family) => family.name === name)!;
  return new Counter({ name: f.name, help: f.help, labelNames: [...f.labelNames], registers: [registry] });
}

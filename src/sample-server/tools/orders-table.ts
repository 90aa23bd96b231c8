// The in-memory tables query_db reads.
export type Row = Record<string, string | number>;

const REGIONS = ['eu', 'us', 'apac'] as const;
const STATUSES = ['pending', 'shipped', 'delivered', 'cancelled'] as const;
const CUSTOMERS = ['acme', 'globex', 'initech', 'umbrella', 'hooli', 'stark'] as const;

/** 60 deterministic orders: enough rows for filters and limits to matter. */
const orders: Row[] = Array.from({ length: 60 }, (_, i) => ({
  id: i + 1,
  customer: CUSTOMERS[i % CUSTOMERS.length]!,
  region: REGIONS[i % REGIONS.length]!,
  status: STATUSES[(i * 7) % STATUSES.length]!,
  total: Math.round(((i * 37) % 500) * 100 + 999) / 100,
}));

const customers: Row[] = CUSTOMERS.map((name, i) => ({ id: i + 1, name, region: REGIONS[i % REGIONS.length]!, tier: i % 2 ? 'gold' : 'standard' }));

export const TABLES: Readonly<Record<string, readonly Row[]>> = { orders, customers };

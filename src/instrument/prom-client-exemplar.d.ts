// prom-client 15 does not export its Exemplar class from the package index; the series writers
// create exemplars of that class so prom-client's own observe() can update them later.
declare module 'prom-client/lib/exemplar.js' {
  export default class Exemplar {
    constructor(labelSet?: Record<string, string | undefined>, value?: number | null);
    labelSet: Record<string, string | undefined>;
    value: number | null;
    timestamp?: number;
  }
}

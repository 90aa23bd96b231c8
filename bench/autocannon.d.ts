// autocannon ships no types; the subset the throughput and instructions benchmarks use.
declare module 'autocannon' {
  export interface RequestParams { method?: string; path?: string; headers?: Record<string, string>; body?: string }
  export interface Options {
    url: string;
    connections?: number;
    pipelining?: number;
    duration?: number;
    /** Requests in all; when set, duration is ignored. */
    amount?: number;
    /** Seconds without a response before a request counts as timed out (default 10). */
    timeout?: number;
    method?: string;
    headers?: Record<string, string>;
    body?: string;
    requests?: { method?: string; setupRequest?: (req: RequestParams) => RequestParams }[];
  }
  interface Histogram { average: number; mean: number; p50: number; p99: number; total: number }
  interface Result {
    requests: Histogram;
    latency: Histogram;
    errors: number;
    timeouts: number;
    non2xx: number;
    duration: number;
    ['2xx']: number;
  }
  function autocannon(opts: Options): Promise<Result>;
  export default autocannon;
}

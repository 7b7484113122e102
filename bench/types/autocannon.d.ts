declare module 'autocannon' {
  interface Result {
    requests: { average: number; total: number };
    latency: { p50: number; p99: number; average: number; max: number };
    non2xx: number;
    errors: number;
    duration: number;
  }
  interface Options {
    url: string;
    method?: string;
    connections?: number;
    duration?: number;
    overallRate?: number;
    headers?: Record<string, string>;
    body?: string | Buffer;
    requests?: {
      method?: string;
      path?: string;
      headers?: Record<string, string>;
      body?: string | Buffer;
      setupRequest?: (req: Record<string, unknown>) => Record<string, unknown>;
    }[];
  }
  function autocannon(opts: Options): Promise<Result>;
  export default autocannon;
}

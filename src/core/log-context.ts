/**
 * Fields every log line carries from the async context it is written in (the trace and
 * operation ids). The operations module registers the source; core stays free of it.
 */
type Source = () => Record<string, unknown> | undefined;

let source: Source = () => undefined;

export function setLogContextSource(fn: Source): void {
  source = fn;
}

export function logContext(): Record<string, unknown> {
  return source() ?? {};
}

/** Polls until `fn` returns a truthy value; fails with `what` after the deadline. No fixed sleeps in tests. */
export async function waitFor<T>(
  fn: () => Promise<T | undefined | null | false>,
  what: string,
  timeoutMs = 20_000,
  intervalMs = 50,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastErr: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (err) {
      lastErr = err;
    }
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what}${lastErr ? `: ${describe(lastErr)}` : ''}`, { cause: lastErr });
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/** A thrown value as text: an Error as `Name: message`, anything else as JSON. */
function describe(thrown: unknown): string {
  return thrown instanceof Error ? thrown.toString() : JSON.stringify(thrown);
}

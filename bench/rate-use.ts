/**
 * How much of a site's allowed request rate a run used, from the times the site admitted its
 * calls. The run is cut into spans where the site was being called: at the given moments (a
 * worker killed) and wherever no call came for longer than `pauseMs` (the takeover of the dead
 * worker's job, a wait for creates that were in flight at the kill). Pauses are returned, to be
 * printed, not hidden. The allowance over the spans is the most a limiter of `perSecond` and
 * `burst` could admit: a full burst at the first call, then the rate over each span, the burst
 * refilled by the rate (up to its size) over each pause.
 */
export interface RateUse {
  /** Calls the site admitted. */
  calls: number;
  /** Seconds from the first to the last call of each span, summed. */
  activeSeconds: number;
  /** The most a limiter of the allowed rate and burst could have admitted over those spans. */
  allowed: number;
  /** calls / allowed. */
  ratio: number;
  spans: { calls: number; seconds: number; allowed: number }[];
  /** Seconds between spans. */
  pauses: number[];
}

export function rateUse(
  times: readonly number[],
  o: { perSecond: number; burst: number; cuts?: readonly number[]; pauseMs: number },
): RateUse {
  const sorted = [...times].sort((a, b) => a - b);
  const cuts = [...(o.cuts ?? [])].sort((a, b) => a - b);
  const groups: number[][] = [];
  let g: number[] = [];
  let c = 0;
  for (const t of sorted) {
    let cut = false;
    while (c < cuts.length && t >= cuts[c]!) {
      cut = true;
      c++;
    }
    const prev = g.at(-1);
    if (g.length && (cut || (prev !== undefined && t - prev > o.pauseMs))) {
      groups.push(g);
      g = [];
    }
    g.push(t);
  }
  if (g.length) groups.push(g);

  // The limiter's tokens, replayed over the admitted calls, give what each span started with.
  let tokens = o.burst;
  let last: number | undefined;
  const pauses: number[] = [];
  const spans = groups.map((calls) => {
    const first = calls[0]!;
    if (last !== undefined) pauses.push((first - last) / 1000);
    const start = last === undefined ? o.burst : Math.min(o.burst, tokens + ((first - last) / 1000) * o.perSecond);
    tokens = start;
    let prev = first;
    for (const t of calls) {
      tokens = Math.min(o.burst, tokens + ((t - prev) / 1000) * o.perSecond) - 1;
      prev = t;
    }
    last = prev;
    const seconds = (prev - first) / 1000;
    return { calls: calls.length, seconds, allowed: Math.max(0, start) + seconds * o.perSecond };
  });
  const calls = spans.reduce((n, s) => n + s.calls, 0);
  const allowed = spans.reduce((n, s) => n + s.allowed, 0);
  return {
    calls,
    activeSeconds: spans.reduce((n, s) => n + s.seconds, 0),
    allowed,
    ratio: allowed > 0 ? calls / allowed : 0,
    spans,
    pauses,
  };
}

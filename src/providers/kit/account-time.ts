/**
 * Account-local calendar arithmetic: X and Snapchat align DAY stats to the ad account's
 * midnight (ads.md §5.5, §6.5), so requests carry local midnights, not UTC ones; Google Ads
 * dates campaigns in the customer's zone. Plus the day counting every report window needs.
 */
const formats = new Map<string, Intl.DateTimeFormat>();

function format(timeZone: string): Intl.DateTimeFormat {
  let f = formats.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formats.set(timeZone, f);
  }
  return f;
}

/** Wall-clock parts of an instant in a zone. */
export function localParts(
  timeZone: string,
  ms: number,
): { date: string; hour: number; minute: number; second: number } {
  const p = Object.fromEntries(
    format(timeZone)
      .formatToParts(new Date(ms))
      .map((x) => [x.type, x.value]),
  );
  return {
    date: `${p['year']}-${p['month']}-${p['day']}`,
    hour: Number(p['hour']),
    minute: Number(p['minute']),
    second: Number(p['second']),
  };
}

/** Minutes the zone is ahead of UTC at an instant (-480 for Los Angeles in winter). */
export function offsetMinutes(timeZone: string, ms: number): number {
  const l = localParts(timeZone, ms);
  const asUtc = Date.parse(`${l.date}T${pad(l.hour)}:${pad(l.minute)}:${pad(l.second)}Z`);
  return Math.round((asUtc - Math.floor(ms / 1000) * 1000) / 60_000);
}

/** The instant a local calendar date starts. */
export function midnightMs(date: string, timeZone: string): number {
  const guess = Date.parse(`${date}T00:00:00Z`);
  // Twice: the offset at the guess may differ from the offset at the true midnight (DST days).
  const first = guess - offsetMinutes(timeZone, guess) * 60_000;
  return guess - offsetMinutes(timeZone, first) * 60_000;
}

/** Local midnight as ISO 8601 with the offset, e.g. `2025-11-01T00:00:00.000-07:00`. */
export function localMidnightIso(date: string, timeZone: string): string {
  const off = offsetMinutes(timeZone, midnightMs(date, timeZone));
  const a = Math.abs(off);
  return `${date}T00:00:00.000${off < 0 ? '-' : '+'}${pad(Math.floor(a / 60))}:${pad(a % 60)}`;
}

export function addDays(date: string, n: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
}

export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

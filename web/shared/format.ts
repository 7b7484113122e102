import { strings } from './strings.ts';

/** A time as the reader's locale writes it, or "never". */
export function formatTime(v: string | null | undefined): string {
  if (!v) return strings.time.never;
  const d = new Date(v);
  return Number.isNaN(d.getTime()) ? v : d.toLocaleString();
}

export function formatNumber(n: number | null | undefined): string {
  return n === null || n === undefined ? '—' : n.toLocaleString();
}

/** Milliseconds as "850 ms" or "3.2 s". */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '—';
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

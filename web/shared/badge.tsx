import { strings } from './strings.ts';

export type Tone = 'ok' | 'warn' | 'error' | 'info' | 'neutral';

const TONES: Record<string, Tone> = {
  active: 'ok',
  success: 'ok',
  succeeded: 'ok',
  completed: 'ok',
  delivered: 'ok',
  processed: 'ok',
  healthy: 'ok',
  pending: 'info',
  queued: 'info',
  running: 'info',
  retry_scheduled: 'warn',
  needs_reauth: 'warn',
  degraded: 'warn',
  error: 'error',
  failed: 'error',
  failing: 'error',
  dead: 'error',
};

/** A status as a coloured label; the colour is never the only carrier: the word is always shown. */
export function StatusBadge({ status, tone }: { status: string; tone?: Tone }) {
  return (
    <span class={`badge ${tone ?? TONES[status] ?? 'neutral'}`}>
      {strings.status[status] ?? status.replaceAll('_', ' ')}
    </span>
  );
}

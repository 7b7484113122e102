import { createContext, type ComponentChildren } from 'preact';
import { useCallback, useContext, useMemo, useState } from 'preact/hooks';
import { strings } from './strings.ts';

export interface Toast {
  id: number;
  kind: 'ok' | 'error';
  text: string;
}

interface Toasts {
  ok(text: string): void;
  error(text: string): void;
  /** Runs an action: its success said with `okText`, its failure with the API's message. */
  run(action: () => Promise<unknown>, okText?: string): Promise<void>;
}

const ToastContext = createContext<Toasts>({ ok: () => undefined, error: () => undefined, run: async () => undefined });

/**
 * Messages after an action, read out by screen readers: successes through a polite status
 * region, errors through an assertive alert region. Both regions exist from the start so
 * that assistive technology is already listening when a message arrives.
 */
export function ToastProvider({ children }: { children: ComponentChildren }) {
  const [toasts, setToasts] = useState<Toast[]>([]);
  const push = useCallback((kind: Toast['kind'], text: string) => {
    const id = Date.now() + Math.random();
    setToasts((t) => [...t.slice(-4), { id, kind, text }]);
    if (kind === 'ok') setTimeout(() => setToasts((t) => t.filter((x) => x.id !== id)), 6000);
  }, []);
  const api = useMemo<Toasts>(
    () => ({
      ok: (t) => push('ok', t),
      error: (t) => push('error', t),
      async run(action, okText) {
        try {
          await action();
          if (okText) push('ok', okText);
        } catch (err) {
          push('error', (err as Error).message);
        }
      },
    }),
    [push],
  );
  const dismiss = (id: number) => setToasts((t) => t.filter((x) => x.id !== id));
  return (
    <ToastContext.Provider value={api}>
      {children}
      <div class="toasts">
        <div role="status" aria-live="polite">
          {toasts
            .filter((t) => t.kind === 'ok')
            .map((t) => (
              <ToastView key={t.id} toast={t} onDismiss={dismiss} />
            ))}
        </div>
        <div role="alert" aria-live="assertive">
          {toasts
            .filter((t) => t.kind === 'error')
            .map((t) => (
              <ToastView key={t.id} toast={t} onDismiss={dismiss} />
            ))}
        </div>
      </div>
    </ToastContext.Provider>
  );
}

function ToastView({ toast, onDismiss }: { toast: Toast; onDismiss: (id: number) => void }) {
  return (
    <div class={`toast ${toast.kind}`}>
      <span>{toast.text}</span>
      <button type="button" aria-label={strings.app.dismiss} onClick={() => onDismiss(toast.id)}>
        ×
      </button>
    </div>
  );
}

export const useToasts = (): Toasts => useContext(ToastContext);

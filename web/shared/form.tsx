import type { ComponentChildren, TargetedEvent } from 'preact';
import { useId, useState } from 'preact/hooks';
import { strings } from './strings.ts';
import { useToasts } from './toasts.tsx';

/** A labelled text input: the label is tied to the input by id, the hint by aria-describedby. */
export function TextField({
  label,
  value,
  onInput,
  type = 'text',
  hint,
  required,
  name,
}: {
  label: string;
  value: string;
  onInput: (v: string) => void;
  type?: 'text' | 'url' | 'number' | 'search' | 'email';
  hint?: string;
  required?: boolean;
  name?: string;
}) {
  const id = useId();
  return (
    <div class="field">
      <label for={id}>{label}</label>
      <input
        id={id}
        name={name}
        // preact types <input> props as a union keyed on `type`: tsc checks the whole props object
        // against it and needs one member, while the rule only sees that the attribute accepts
        // every value of `type`.
        // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-assertion -- see above
        type={type as 'text'}
        value={value}
        required={required}
        aria-describedby={hint ? `${id}-hint` : undefined}
        onInput={(e) => onInput(e.currentTarget.value)}
      />
      {hint && (
        <span id={`${id}-hint`} class="hint">
          {hint}
        </span>
      )}
    </div>
  );
}

export interface Option {
  value: string;
  label: string;
}

/** A labelled select; `allLabel` adds a first option with the empty value (no filter). */
export function SelectField({
  label,
  value,
  options,
  onChange,
  allLabel,
  disabled,
}: {
  label: string;
  value: string;
  options: Option[];
  onChange: (v: string) => void;
  allLabel?: string;
  disabled?: boolean;
}) {
  const id = useId();
  return (
    <div class="field">
      <label for={id}>{label}</label>
      <select id={id} value={value} disabled={disabled} onChange={(e) => onChange(e.currentTarget.value)}>
        {allLabel !== undefined && <option value="">{allLabel}</option>}
        {options.map((o) => (
          <option value={o.value}>{o.label}</option>
        ))}
      </select>
    </div>
  );
}

/**
 * A button that runs an async action: disabled while it runs (no double submits), and hidden
 * where the session may not act (read-only portal sessions see no write buttons).
 */
export function ActionButton({
  children,
  onAction,
  kind,
  disabled,
  hidden,
  confirm,
}: {
  children: ComponentChildren;
  onAction: () => Promise<unknown>;
  kind?: 'primary' | 'danger';
  disabled?: boolean;
  hidden?: boolean;
  confirm?: string;
}) {
  const [busy, setBusy] = useState(false);
  const toasts = useToasts();
  if (hidden) return null;
  const run = async () => {
    if (confirm && !window.confirm(confirm)) return;
    setBusy(true);
    try {
      await onAction();
    } catch (err) {
      toasts.error((err as Error).message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <button type="button" class={kind} disabled={disabled || busy} aria-busy={busy} onClick={() => void run()}>
      {children}
    </button>
  );
}

/** A form whose submit runs `onSubmit` (the browser's own validation first). */
export function Form({
  children,
  onSubmit,
  label,
}: {
  children: ComponentChildren;
  onSubmit: () => Promise<unknown>;
  label: string;
}) {
  const [busy, setBusy] = useState(false);
  const toasts = useToasts();
  const submit = async () => {
    setBusy(true);
    try {
      await onSubmit();
    } catch (err) {
      toasts.error((err as Error).message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form
      aria-label={label}
      onSubmit={(e: TargetedEvent<HTMLFormElement>) => {
        e.preventDefault();
        void submit();
      }}
      aria-busy={busy}
    >
      <fieldset disabled={busy} class="toolbar plain">
        {children}
      </fieldset>
    </form>
  );
}

export const formStrings = strings.form;

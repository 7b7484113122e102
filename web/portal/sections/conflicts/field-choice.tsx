import { useId } from 'preact/hooks';
import { fieldLabels } from '../content/strings.ts';
import { FieldValue } from '../content/values.tsx';
import { conflictStrings as t } from './strings.ts';

export type Side = 'hub' | 'remote' | 'base';
/** A person's decision for one field: a side, or a value they wrote. */
export type Decision = { side: Side } | { text: string };

export interface ConflictField {
  field: string;
  base: string | string[] | null;
  hub: string | string[] | null;
  remote: string | string[] | null;
}

const LIST_FIELDS = new Set(['categories', 'tags']);
/** A value as the edit box shows it: lists comma-separated. */
export const asText = (v: ConflictField['hub']) => (Array.isArray(v) ? v.join(', ') : (v ?? ''));
/** The edit box's text as the field's value: lists split on commas, an empty optional field as null. */
export function fromText(field: string, text: string): unknown {
  if (LIST_FIELDS.has(field))
    return text
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
  if ((field === 'featured_media' || field === 'author') && text.trim() === '') return null;
  return text;
}

/** One field of the three-way view: base, hub and site side by side, and the choice of what to keep. */
export function FieldChoice({
  f,
  decision,
  onChange,
  readOnly,
}: {
  f: ConflictField;
  decision: Decision | undefined;
  onChange: (d: Decision) => void;
  readOnly: boolean;
}) {
  const id = useId();
  const label = fieldLabels[f.field] ?? f.field;
  const sides: Side[] = ['base', 'hub', 'remote'];
  return (
    <fieldset class="three-way">
      <legend>{label}</legend>
      <div class="sides">
        {sides.map((s) => (
          <div class={`side ${s}`} key={s}>
            {readOnly ? (
              <strong>{t.sides[s]}</strong>
            ) : (
              <label class="check">
                <input
                  type="radio"
                  name={id}
                  checked={!!decision && 'side' in decision && decision.side === s}
                  onChange={() => onChange({ side: s })}
                />
                {t.sides[s]}
              </label>
            )}
            <div class="value">
              <FieldValue value={f[s]} />
            </div>
          </div>
        ))}
      </div>
      {!readOnly && (
        <div class="merged">
          <label class="check">
            <input
              type="radio"
              name={id}
              checked={!!decision && 'text' in decision}
              onChange={() => onChange({ text: asText(decision && 'side' in decision ? f[decision.side] : f.hub) })}
            />
            {t.merged}
          </label>
          {decision && 'text' in decision && (
            <div class="field">
              <label for={`${id}-text`}>{t.mergedValue(label)}</label>
              <textarea
                id={`${id}-text`}
                rows={f.field === 'body_html' ? 8 : 2}
                value={decision.text}
                aria-describedby={LIST_FIELDS.has(f.field) ? `${id}-hint` : undefined}
                onInput={(e) => onChange({ text: e.currentTarget.value })}
              />
              {LIST_FIELDS.has(f.field) && (
                <span id={`${id}-hint`} class="hint">
                  {t.listHint}
                </span>
              )}
            </div>
          )}
        </div>
      )}
    </fieldset>
  );
}

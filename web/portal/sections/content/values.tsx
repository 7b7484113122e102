import { contentStrings } from './strings.ts';

/** A content field's value as text: lists joined, long bodies kept whole (tables wrap them). */
export function FieldValue({ value }: { value: unknown }) {
  if (value === null || value === undefined || value === '') return <span class="muted">{contentStrings.nothing}</span>;
  if (Array.isArray(value)) return <>{value.length ? value.join(', ') : contentStrings.nothing}</>;
  if (typeof value === 'string') return <span class="field-text">{value}</span>;
  return <>{JSON.stringify(value)}</>;
}

import { SECRET_KEYS } from '../../core/redact.ts';

/** The delivery log keeps this much of a response: enough to see an error page, no more. */
export const EXCERPT_BYTES = 1024;

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const KEY_ALTERNATION = SECRET_KEYS.map(escape).join('|');
// "token": "…", token=…, Authorization: Bearer …, whsec_…, and echoed v1 signatures.
const PATTERNS: [RegExp, string][] = [
  [new RegExp(`("(?:${KEY_ALTERNATION})"\\s*:\\s*")(?:[^"\\\\]|\\\\.)*"`, 'gi'), '$1[redacted]"'],
  [new RegExp(`\\b((?:${KEY_ALTERNATION})=)[^&\\s"']+`, 'gi'), '$1[redacted]'],
  [/\b(bearer|basic)\s+[A-Za-z0-9._~+/=-]+/gi, '$1 [redacted]'],
  [/whsec_[A-Za-z0-9+/=]+/g, 'whsec_[redacted]'],
  [/v1,[A-Za-z0-9+/]{20,}={0,2}/g, 'v1,[redacted]'],
];

/**
 * The start of a response body for the delivery log, with secrets scrubbed: the ones this
 * delivery used (a receiver that echoes our headers back must not leak them into the log)
 * and anything that looks like a credential. Scrubbing runs before truncation, so a secret
 * cut in half at the boundary is still caught.
 */
export function responseExcerpt(body: string, knownSecrets: readonly string[]): string {
  let text = body.slice(0, EXCERPT_BYTES * 4);
  for (const s of knownSecrets) if (s.length >= 8) text = text.split(s).join('[redacted]');
  for (const [re, replacement] of PATTERNS) text = text.replace(re, replacement);
  return truncateUtf8(text, EXCERPT_BYTES);
}

function truncateUtf8(text: string, maxBytes: number): string {
  const buf = Buffer.from(text, 'utf8');
  if (buf.length <= maxBytes) return text;
  // A multi-byte character cut at the boundary decodes to U+FFFD: drop it.
  return buf
    .subarray(0, maxBytes)
    .toString('utf8')
    .replace(/\uFFFD+$/, '');
}

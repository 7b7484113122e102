/**
 * TikTok's wire conventions: every application answer, success or error, is HTTP 200 with
 * `{code, message, request_id, data}`; only a wrong path (including a missing trailing slash) or
 * a server fault changes the HTTP status.
 */
import { randomBytes } from 'node:crypto';
import { json, type SandboxResponse } from '../../../sandbox/kit/server.ts';

/** `YYYYMMDDHHMMSS` + hex, the shape of TikTok's request ids. */
export function requestId(now: number): string {
  const d = new Date(now).toISOString().replace(/\D/g, '').slice(0, 14);
  return `${d}${randomBytes(10).toString('hex').toUpperCase()}`;
}

export function reply(now: number, code: number, message: string, data: unknown = {}): SandboxResponse {
  return json(200, { code, message, request_id: requestId(now), data });
}

export function ok(now: number, data: unknown): SandboxResponse {
  return reply(now, 0, 'OK', data);
}

export function pageNotFound(): SandboxResponse {
  return { status: 404, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: '404 page not found' };
}

/** GET parameters that carry arrays or objects arrive as JSON-encoded strings. */
export function jsonParam(raw: string | undefined): { ok: true; value: unknown } | { ok: false } {
  if (raw === undefined) return { ok: true, value: undefined };
  try {
    return { ok: true, value: JSON.parse(raw) };
  } catch {
    return { ok: false };
  }
}

import { createHash, createHmac, randomBytes } from 'node:crypto';
import type { Clock } from '../core/clock.ts';
import { safeEqual } from '../core/safe-equal.ts';
import { httpOnlyCookie } from '../portal/cookies.ts';

/** The console's session cookie: httpOnly, SameSite=Strict, never the admin token itself. */
export const CONSOLE_COOKIE = 'plexus_console';
export const CONSOLE_CSRF_HEADER = 'x-csrf-token';
/** A working day; the operator signs in again after it. */
export const CONSOLE_SESSION_SECONDS = 8 * 3600;

const mac = (key: Buffer, text: string) => createHmac('sha256', key).update(text).digest();

/**
 * Signed console sessions. A cookie is `<expiry>.<nonce>.<mac>`, the MAC keyed by a key
 * derived from the admin token: nothing is stored, and changing the token ends every session.
 * The CSRF token is a second MAC over the cookie (bound to it, readable only through the
 * console's own session endpoint). Signing out records the nonce until the cookie would have
 * expired, in this process: the browser's cookie is cleared as well.
 */
export class ConsoleSessions {
  private readonly key: Buffer | undefined;
  private readonly tokenHash: Buffer | undefined;
  private readonly ended = new Map<string, number>();

  constructor(
    adminToken: string | undefined,
    private readonly clock: Clock,
  ) {
    this.key = adminToken ? mac(Buffer.from(adminToken), 'plexus console session v1') : undefined;
    this.tokenHash = adminToken ? createHash('sha256').update(adminToken).digest() : undefined;
  }

  /** False when no admin token is configured: the console is closed. */
  get enabled(): boolean {
    return this.key !== undefined;
  }

  tokenMatches(given: string): boolean {
    return !!this.tokenHash && safeEqual(createHash('sha256').update(given).digest(), this.tokenHash);
  }

  issue(): { value: string; expiresAt: Date } {
    const exp = Math.floor(this.clock.now().getTime() / 1000) + CONSOLE_SESSION_SECONDS;
    const body = `${exp}.${randomBytes(18).toString('base64url')}`;
    return { value: `${body}.${mac(this.key!, body).toString('base64url')}`, expiresAt: new Date(exp * 1000) };
  }

  /** The session's expiry when the cookie is one of ours, unexpired and not signed out. */
  verify(value: string | undefined): Date | undefined {
    if (!this.key || !value) return undefined;
    const m = /^(\d{1,12})\.([A-Za-z0-9_-]{24})\.([A-Za-z0-9_-]{43})$/.exec(value);
    if (!m || !safeEqual(Buffer.from(m[3]!, 'base64url'), mac(this.key, `${m[1]}.${m[2]}`))) return undefined;
    const exp = Number(m[1]) * 1000;
    if (exp <= this.clock.now().getTime() || this.ended.has(m[2]!)) return undefined;
    return new Date(exp);
  }

  csrfOf(value: string): string {
    return mac(this.key!, `csrf.${value}`).toString('base64url');
  }

  csrfMatches(value: string, presented: string | undefined): boolean {
    return !!presented && safeEqual(presented, this.csrfOf(value));
  }

  end(value: string): void {
    const now = this.clock.now().getTime();
    for (const [nonce, exp] of this.ended) if (exp <= now) this.ended.delete(nonce);
    const [exp, nonce] = value.split('.');
    if (nonce) this.ended.set(nonce, Number(exp) * 1000);
  }
}

export function consoleCookie(value: string, maxAgeSeconds: number, secure: boolean): string {
  return httpOnlyCookie(CONSOLE_COOKIE, value, maxAgeSeconds, secure, 'Strict');
}

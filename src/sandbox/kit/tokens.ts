/**
 * Token bookkeeping for sandboxes: authorization codes, access and refresh tokens with expiry
 * on an injectable clock, revocation, refresh-token rotation (the previous token fails on a
 * second use, like real platforms) and a refresh counter per grant so tests can assert how many
 * refreshes a connection performed.
 */
import { randomBytes } from 'node:crypto';

export type TokenKind = 'access' | 'refresh';

/** Why a token is not usable; sandboxes map these onto their platform's error codes. */
export type TokenProblem = 'unknown' | 'expired' | 'revoked' | 'rotated' | 'wrong_kind';

export interface TokenRecord {
  token: string;
  kind: TokenKind;
  /** One consent (one connection) — every token minted from it shares this id. */
  grantId: string;
  clientId: string;
  /** The platform user the token acts for. */
  subject: string;
  scopes: readonly string[];
  issuedAt: number;
  /** Epoch ms, or null for tokens that never expire. */
  expiresAt: number | null;
  revokedAt: number | null;
  revokeReason: string | null;
  /** Set on a refresh token once it has been exchanged for a new one. */
  rotatedAt: number | null;
  /** Platform flavour, e.g. Meta `short_lived` / `long_lived`. */
  label: string;
}

export interface AuthCode {
  code: string;
  clientId: string;
  redirectUri: string;
  subject: string;
  scopes: readonly string[];
  expiresAt: number;
  usedAt: number | null;
  /** Extra values a platform carries from authorize to exchange (PKCE challenge, nonce). */
  extra: Record<string, string>;
}

export type CodeProblem = 'unknown' | 'expired' | 'used' | 'client_mismatch' | 'redirect_mismatch';

export interface IssueOptions {
  kind: TokenKind;
  clientId: string;
  subject: string;
  scopes: readonly string[];
  /** null: never expires. */
  ttlSeconds: number | null;
  grantId?: string;
  label?: string;
}

export interface TokenStoreOptions {
  now?: () => number;
  /** Platform token format; gets the kind and returns a fresh unique string. */
  generate?: (kind: TokenKind | 'code') => string;
}

export type Validation = { ok: true; record: TokenRecord } | { ok: false; problem: TokenProblem; record?: TokenRecord };

export class TokenStore {
  readonly #now: () => number;
  readonly #generate: (kind: TokenKind | 'code') => string;
  #tokens = new Map<string, TokenRecord>();
  #codes = new Map<string, AuthCode>();
  #refreshes = new Map<string, number>();
  #grantSeq = 0;

  constructor(opts: TokenStoreOptions = {}) {
    this.#now = opts.now ?? Date.now;
    this.#generate = opts.generate ?? ((kind) => `${kind}_${randomBytes(18).toString('base64url')}`);
  }

  newGrantId(): string {
    return `grant_${++this.#grantSeq}`;
  }

  issue(opts: IssueOptions): TokenRecord {
    const now = this.#now();
    const record: TokenRecord = {
      token: this.#generate(opts.kind),
      kind: opts.kind,
      grantId: opts.grantId ?? this.newGrantId(),
      clientId: opts.clientId,
      subject: opts.subject,
      scopes: [...opts.scopes],
      issuedAt: now,
      expiresAt: opts.ttlSeconds === null ? null : now + opts.ttlSeconds * 1000,
      revokedAt: null,
      revokeReason: null,
      rotatedAt: null,
      label: opts.label ?? opts.kind,
    };
    this.#tokens.set(record.token, record);
    return record;
  }

  get(token: string): TokenRecord | undefined {
    return this.#tokens.get(token);
  }

  validate(token: string | undefined, kind: TokenKind = 'access'): Validation {
    const record = token ? this.#tokens.get(token) : undefined;
    if (!record) return { ok: false, problem: 'unknown' };
    if (record.kind !== kind) return { ok: false, problem: 'wrong_kind', record };
    if (record.revokedAt !== null) return { ok: false, problem: 'revoked', record };
    if (record.rotatedAt !== null) return { ok: false, problem: 'rotated', record };
    if (record.expiresAt !== null && this.#now() >= record.expiresAt) return { ok: false, problem: 'expired', record };
    return { ok: true, record };
  }

  /** Seconds left, rounded down; null for non-expiring tokens. */
  expiresIn(record: TokenRecord): number | null {
    return record.expiresAt === null ? null : Math.max(0, Math.floor((record.expiresAt - this.#now()) / 1000));
  }

  revoke(token: string, reason = 'revoked'): boolean {
    const record = this.#tokens.get(token);
    if (!record || record.revokedAt !== null) return false;
    record.revokedAt = this.#now();
    record.revokeReason = reason;
    return true;
  }

  /** Revokes every live token matching the predicate; returns how many. */
  revokeWhere(match: (r: TokenRecord) => boolean, reason = 'revoked'): number {
    let n = 0;
    for (const r of this.#tokens.values()) if (r.revokedAt === null && match(r) && this.revoke(r.token, reason)) n++;
    return n;
  }

  revokeGrant(grantId: string, reason = 'revoked'): number {
    return this.revokeWhere((r) => r.grantId === grantId, reason);
  }

  revokeSubject(subject: string, clientId?: string, reason = 'revoked'): number {
    return this.revokeWhere(
      (r) => r.subject === subject && (clientId === undefined || r.clientId === clientId),
      reason,
    );
  }

  /**
   * Exchanges a refresh token for a new one in the same grant and invalidates the old one.
   * Counts as one refresh. A second use of the old token fails with `rotated`.
   */
  rotateRefresh(oldToken: string, ttlSeconds: number | null): Validation {
    const check = this.validate(oldToken, 'refresh');
    if (!check.ok) return check;
    check.record.rotatedAt = this.#now();
    this.recordRefresh(check.record.grantId);
    const next = this.issue({
      kind: 'refresh',
      clientId: check.record.clientId,
      subject: check.record.subject,
      scopes: check.record.scopes,
      ttlSeconds,
      grantId: check.record.grantId,
      label: check.record.label,
    });
    return { ok: true, record: next };
  }

  recordRefresh(grantId: string): number {
    const n = (this.#refreshes.get(grantId) ?? 0) + 1;
    this.#refreshes.set(grantId, n);
    return n;
  }

  /** Refreshes for one grant, looked up by grant id or by any token of the grant. */
  refreshCount(grantOrToken: string): number {
    const grantId = this.#tokens.get(grantOrToken)?.grantId ?? grantOrToken;
    return this.#refreshes.get(grantId) ?? 0;
  }

  refreshTotals(): { total: number; byGrant: Record<string, number> } {
    const byGrant = Object.fromEntries(this.#refreshes);
    return { total: [...this.#refreshes.values()].reduce((a, b) => a + b, 0), byGrant };
  }

  issueCode(
    opts: Omit<AuthCode, 'code' | 'expiresAt' | 'usedAt' | 'extra'> & {
      ttlSeconds?: number;
      extra?: Record<string, string>;
    },
  ): AuthCode {
    const code: AuthCode = {
      code: this.#generate('code'),
      clientId: opts.clientId,
      redirectUri: opts.redirectUri,
      subject: opts.subject,
      scopes: [...opts.scopes],
      expiresAt: this.#now() + (opts.ttlSeconds ?? 600) * 1000,
      usedAt: null,
      extra: opts.extra ?? {},
    };
    this.#codes.set(code.code, code);
    return code;
  }

  /** Codes are single-use: the first redemption consumes it even if a later check fails. */
  redeemCode(
    code: string,
    clientId: string,
    redirectUri: string | undefined,
  ): { ok: true; code: AuthCode } | { ok: false; problem: CodeProblem } {
    const record = this.#codes.get(code);
    if (!record) return { ok: false, problem: 'unknown' };
    if (record.usedAt !== null) return { ok: false, problem: 'used' };
    record.usedAt = this.#now();
    if (this.#now() >= record.expiresAt) return { ok: false, problem: 'expired' };
    if (record.clientId !== clientId) return { ok: false, problem: 'client_mismatch' };
    if (redirectUri !== undefined && record.redirectUri !== redirectUri)
      return { ok: false, problem: 'redirect_mismatch' };
    return { ok: true, code: record };
  }

  /** Counts for stats endpoints. */
  summary(): { live: number; revoked: number; expired: number; refreshes: number } {
    const now = this.#now();
    let live = 0;
    let revoked = 0;
    let expired = 0;
    for (const r of this.#tokens.values()) {
      if (r.revokedAt !== null || r.rotatedAt !== null) revoked++;
      else if (r.expiresAt !== null && now >= r.expiresAt) expired++;
      else live++;
    }
    return { live, revoked, expired, refreshes: this.refreshTotals().total };
  }

  all(): TokenRecord[] {
    return [...this.#tokens.values()].map((r) => ({ ...r }));
  }

  clear(): void {
    this.#tokens.clear();
    this.#codes.clear();
    this.#refreshes.clear();
    this.#grantSeq = 0;
  }
}

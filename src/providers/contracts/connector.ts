import type { Clock } from '../../core/clock.ts';
import type { PlexusError } from '../../core/errors.ts';
import type { DecryptedCredentials } from '../../vault/credentials.ts';
import type { ProviderApp } from './app.ts';
import type { HttpRequest, HttpResponse, ProviderHttp } from '../kit/http.ts';
import type { TokenSet } from '../kit/tokens.ts';
import type { ProviderDefinition } from '../types.ts';

/** Everything a connector hook may use for one connection. */
export interface ConnectorContext {
  def: ProviderDefinition;
  app: ProviderApp;
  http: ProviderHttp;
  clock: Clock;
  /** The connection's non-secret settings (shop, site URL, customer id). */
  config: Readonly<Record<string, string>>;
  /** Expands `{version}`, app extras and connection config, then applies the origin override. */
  url(template: string): string;
}

/** Who a set of credentials belongs to, found with an authenticated call. */
export interface AccountIdentity {
  externalAccountId: string;
  displayName: string;
  scopes?: string[];
  /** Settings learned during connect (e.g. the customer id picked from the accessible ones). */
  config?: Record<string, string>;
  /** Other ids platform events may name for this connection (ad accounts, sites), for webhook routing. */
  accountRefs?: string[];
}

export interface AuthorizeParams {
  redirectUri: string;
  state: string;
  scopes: readonly string[];
  codeChallenge?: string;
}

export interface ExchangeParams {
  code: string;
  redirectUri: string;
  codeVerifier?: string;
  query: Readonly<Record<string, string>>;
}

/**
 * A provider's behaviour beyond its declarative definition. Only `identify` is required;
 * every other hook has a generic default in `providers/kit/` driven by the definition, so a
 * platform that follows the standards is one `identify` function.
 */
export interface Connector {
  identify(ctx: ConnectorContext, creds: DecryptedCredentials): Promise<AccountIdentity>;
  authorizeUrl?(ctx: ConnectorContext, p: AuthorizeParams): string;
  exchangeCode?(ctx: ConnectorContext, p: ExchangeParams): Promise<TokenSet>;
  /** Runs after the code exchange (Meta swaps the short-lived token for a long-lived one). */
  afterExchange?(ctx: ConnectorContext, tokens: TokenSet): Promise<TokenSet>;
  refresh?(ctx: ConnectorContext, creds: DecryptedCredentials): Promise<TokenSet>;
  revoke?(ctx: ConnectorContext, creds: DecryptedCredentials): Promise<void>;
  /** Checks the platform's signature on the callback query (Shopify's `hmac`). */
  verifyCallback?(ctx: ConnectorContext, query: Readonly<Record<string, string>>): void;
  /** Headers that authenticate an API call, when the definition's transport does not say it all. */
  authHeaders?(ctx: ConnectorContext, creds: DecryptedCredentials, req: HttpRequest): Record<string, string>;
  /** Registers the definition's webhook topics for this connection; returns the subscription ids. */
  subscribeWebhooks?(ctx: ConnectorContext, creds: DecryptedCredentials, callbackUrl: string): Promise<string[]>;
  /** Removes them again (on disconnect); best effort. */
  unsubscribeWebhooks?(ctx: ConnectorContext, creds: DecryptedCredentials, ids: readonly string[]): Promise<void>;
  /** Maps a platform answer to an error (or undefined for success), before the generic mapping. */
  classify?(res: HttpResponse): PlexusError | undefined;
}

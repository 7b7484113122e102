/**
 * The declarative shape of a provider. Every platform is one object of this type in
 * `src/providers/<id>/index.ts`, the folder's entry module, which `registry.ts` lists once
 * (and derives `ProviderId` from). Core code reads these
 * fields; it never branches on a provider's id. Quirks that data cannot express become
 * named hooks in the provider's own folder.
 */

export type Family = 'ads' | 'cms';

export type Capability =
  | 'ads.accounts.read'
  | 'ads.campaigns.read'
  | 'ads.campaigns.write'
  | 'ads.metrics.read'
  | 'ads.reports.async'
  | 'content.read'
  | 'content.write'
  | 'content.bulk'
  | 'content.taxonomy'
  | 'content.media'
  | 'webhooks.inbound'
  | 'webhooks.subscribe'
  | 'token.refresh'
  | 'token.revoke';

/** How the client authenticates the token request (RFC 6749 §2.3 and platform variants). */
export type TokenAuthMethod = 'client_secret_post' | 'client_secret_basic' | 'json_body' | 'query';

/** What keeps a connection alive once connected. */
export type RefreshStrategy =
  | 'refresh_token' // standard grant_type=refresh_token
  | 'exchange' // re-run a token exchange with the current token (Meta's fb_exchange_token)
  | 'none'; // the token does not expire, or must be re-consented by a person

export interface OAuth2Auth {
  kind: 'oauth2';
  /** May contain `{placeholders}` filled from connection config (e.g. `{shop}`). */
  authorizeUrl: string;
  tokenUrl: string;
  refreshUrl?: string;
  revokeUrl?: string;
  defaultScopes: readonly string[];
  scopeSeparator: ' ' | ',';
  pkce: boolean;
  tokenAuthMethod: TokenAuthMethod;
  /** Extra fixed query parameters on the authorize URL (e.g. Google's access_type=offline). */
  authorizeParams?: Readonly<Record<string, string>>;
  /** Name of the code parameter in the callback when it is not `code` (TikTok: `auth_code`). */
  callbackCodeParam?: string;
  /**
   * Names the platform uses instead of the standard `client_id`, `client_secret` and `code` in the
   * authorize URL and the token request (TikTok: `app_id`, `secret`, `auth_code`).
   */
  paramNames?: Readonly<{ clientId?: string; clientSecret?: string; code?: string }>;
  /** Standard fields a platform's code exchange does not take (TikTok, Shopify: no grant_type / redirect_uri). */
  exchangeOmits?: readonly ('grant_type' | 'redirect_uri')[];
  /** Extra fixed parameters on the code-exchange request (Shopify's `expiring: "1"`). */
  tokenParams?: Readonly<Record<string, string>>;
  /** Key of the object that holds the token fields when the token response is wrapped (TikTok: `data`). */
  tokenResponsePath?: string;
  /**
   * How the access token travels on API calls when it is not `Authorization: Bearer <token>`
   * (TikTok `Access-Token: <token>`, Shopify `X-Shopify-Access-Token: <token>`).
   */
  tokenTransport?: Readonly<{ header: string; prefix: string }>;
  refresh: RefreshStrategy;
  /** With `refresh: 'exchange'`: the grant type, and the parameter that carries the current token. */
  exchangeGrant?: Readonly<{ grantType: string; tokenParam: string }>;
  /** Typical lifetimes from the fact sheet; the token response wins when it states one. */
  accessTokenTtlSeconds?: number;
  refreshTokenTtlSeconds?: number;
  /** True when each refresh returns a new refresh token and invalidates the old one. */
  rotatesRefreshToken: boolean;
}

export interface OAuth1Auth {
  kind: 'oauth1a';
  requestTokenUrl: string;
  authorizeUrl: string;
  accessTokenUrl: string;
  signatureMethod: 'HMAC-SHA1';
  refresh: 'none';
}

/** A credential a person types in (application password, API token, site key). */
export interface CredentialField {
  name: string;
  label: string;
  secret: boolean;
  /** A user-supplied URL or domain; it passes the SSRF guard before any request. */
  isUrl?: boolean;
  /** For a name that stands for a host (Shopify's shop): the URL it means, `{value}` filled in. */
  urlTemplate?: string;
  /** The connection works without it (Google's login-customer-id, only needed through a manager). */
  optional?: boolean;
  /** Regular expression the value must match (e.g. a 10-digit Google customer id). */
  pattern?: string;
  /** When set, the value travels as this request header on every API call (`wix-site-id`). */
  header?: string;
}

export interface CredentialsAuth {
  kind: 'app_password' | 'api_token' | 'api_key';
  fields: readonly CredentialField[];
  /** How the credential travels on each request. */
  transport: 'basic' | 'bearer' | 'header';
  /** Header name when transport is `header`. */
  header?: string;
  /** Path (relative to the API base) of a cheap authenticated call used to check the credential. */
  verifyPath: string;
  refresh: 'none';
}

export type AuthDefinition = OAuth2Auth | OAuth1Auth | CredentialsAuth;

/** Verification schemes; each is one verifier in `src/providers/kit/webhook-schemes/`. */
export type WebhookSchemeId =
  | 'hmac-sha256-hex' // hex HMAC of the raw body, optional `sha256=` prefix (Meta, LinkedIn)
  | 'hmac-sha256-base64' // base64 HMAC of the raw body (Shopify, X)
  | 'hmac-sha256-hex-timestamped' // hex HMAC of `timestamp:body` with a freshness window (Webflow)
  | 'hmac-sha256-hex-timestamp-pairs' // one header of `t=<seconds>,s=<hex>` pairs over `t.body` (TikTok)
  | 'jwt-rs256' // the body is a JWT signed with the app's public key (Wix)
  | 'plexus-hmac'; // Plexus's own header for CMS without signed webhooks in core

export type WebhookSupport =
  | {
      supported: false;
      /** Why the platform has no webhooks here; changes are found by polling instead. */
      reason: string;
      fallback: 'poll';
    }
  | {
      supported: true;
      scheme: WebhookSchemeId;
      /** Lower-case header names. Empty when the body itself is the signed token (`jwt-rs256`). */
      signatureHeader: string;
      /** Literal text the platform prepends to the raw body before computing the HMAC (LinkedIn `hmacsha256=`). */
      signedPayloadPrefix?: string;
      /** Prefix the header value may carry before the digest, stripped before comparing (Meta `sha256=`). */
      signatureValuePrefix?: string;
      timestampHeader?: string;
      eventIdHeader?: string;
      topicHeader?: string;
      /** Freshness window for timestamped schemes. */
      toleranceSeconds?: number;
      /** Where the verification secret comes from. */
      secretSource: 'app_secret' | 'per_connection' | 'public_key';
      /** The platform has an API to register webhooks per connection. */
      subscribeApi: boolean;
      /** Topics Plexus subscribes to or understands. */
      topics: readonly string[];
      /** Platforms that retry: how often and how long (from the fact sheet). */
      retryPolicy?: string;
    };

/** The platform's own signals that we are close to or over its limit. */
export type RateLimitSignal =
  | 'http-429'
  | 'retry-after-header'
  | 'usage-headers' // Meta X-App-Usage / X-Ad-Account-Usage / X-Business-Use-Case-Usage
  | 'remaining-headers' // x-rate-limit-remaining / reset (X), X-Shopify-Shop-Api-Call-Limit
  | 'body-code' // an error code inside a 2xx or 4xx body (TikTok 40100, Meta 4/17/32/613)
  | 'grpc-resource-exhausted';

export interface RateLimitPolicy {
  signals: readonly RateLimitSignal[];
  /** A conservative steady rate Plexus aims for per token/account, when the platform states one. */
  requestsPerMinute?: number;
  /** Leaky bucket: size and leak rate, in calls, or in the platform's own unit (Shopify: query-cost points). */
  bucket?: { size: number; leakPerSecond: number };
  /** Header names that carry usage or remaining quota (lower-case). */
  headers?: readonly string[];
  /** Error codes in the body that mean "throttled". */
  bodyCodes?: readonly (string | number)[];
  /** Usage percentage at which we slow down before the platform throttles. */
  slowDownAtPercent?: number;
}

export type PaginationStyle =
  | 'cursor' // opaque cursor token (Meta paging.cursors.after, X next_cursor)
  | 'page-token' // pageToken/nextPageToken (Google, LinkedIn search)
  | 'page-number' // page/page_size (TikTok, WordPress, Joomla page[offset])
  | 'offset' // start/count, page[offset]
  | 'next-link' // a full next URL (Snapchat paging.next_link, Shopify Link header, Drupal links.next)
  | 'link-header';

/** How the platform expresses money in API payloads (ads); converted to integer micros. */
export type MoneyUnit =
  | 'micros' // int (or int string) micros
  | 'minor_units' // cents as numeric string
  | 'major_units_decimal' // "12.34"
  | 'major_units_float'; // 12.34

/**
 * The release and announced sunset of API versions, as the platform publishes them. Dates are
 * ISO days (`2027-10-01`), or a month (`2027-11`) where the platform gives only a month; a month
 * counts from its first day, so a warning comes early rather than late.
 */
export interface VersionDates {
  /** `null` where the platform never dated it (Snapchat's v1). */
  released: string | null;
  /** `null` while the platform has announced none (the version is the newest, or never sunsets). */
  sunset: string | null;
  /** The sunset is the platform's projection (Google's "projected sunset"), not a fixed date. */
  tentative?: boolean;
}

export interface VersionLifecycle {
  /**
   * Every version Plexus knows dates for, the pinned one first among them; a version set with
   * `PLEXUS_<ID>_VERSION` is judged by this table too (and reported as unknown when absent).
   */
  versions: Readonly<Record<string, VersionDates>>;
  /** The platform's page that lists releases and sunsets (docs/platforms/<id>.md cites it too). */
  source: string;
  /** How this platform retires versions, in a sentence (shown with warnings). */
  policy: string;
}

export interface ApiDefinition {
  /** Default base URL of the real API, may contain `{version}` and connection placeholders. */
  baseUrl: string;
  version: string;
  versionCarrier: 'path' | 'header' | 'none';
  /** Headers every call carries (e.g. LinkedIn-Version), values may contain `{version}`. */
  headers?: Readonly<Record<string, string>>;
  /**
   * Versions of API families that each carry their own version in the path under one base URL
   * (Wix: `blog/v3`, `wix-data/v2`). Keys are placeholders used in paths (`/blog/{blogVersion}/posts`),
   * so call sites take versions from here instead of hard-coding them.
   */
  pathVersions?: Readonly<Record<string, string>>;
  /** Release and sunset dates of the versions, for the sunset watch (`providers/version-lifecycle.ts`). */
  lifecycle: VersionLifecycle;
}

export interface ProviderDefinition {
  /** Lower-case, `-` between words; the folder name, the URL segment and the `PLEXUS_<ID>_` prefix. */
  id: string;
  displayName: string;
  /**
   * The connect picker's letter mark: the platform's initials on a tile of this colour, drawn as
   * inline SVG (no platform's logo is copied). White letters must keep 4.5:1 contrast on it.
   */
  mark: { letters: string; colour: string };
  /** What a person should do when the platform refuses the credentials typed on the connect page. */
  credentialHelp?: string;
  family: Family;
  /** Where to register an app on the real platform. */
  docsUrl: string;
  api: ApiDefinition;
  auth: AuthDefinition;
  /** Values a connection needs besides credentials (shop domain, site URL, customer id). */
  connectionConfig?: readonly CredentialField[];
  webhooks: WebhookSupport;
  rateLimit: RateLimitPolicy;
  pagination: PaginationStyle;
  /** Max page size the platform honours. */
  maxPageSize: number;
  money?: MoneyUnit;
  /** How spend is expressed in reporting rows when it differs from `money` (Meta insights, TikTok reports). */
  metricsMoney?: MoneyUnit;
  capabilities: readonly Capability[];
  /**
   * Header names that carry a credential on this platform besides the one the definition's auth
   * sends (an alternative the platform accepts); redacted in logs and operation records with it.
   */
  secretHeaders?: readonly string[];
}

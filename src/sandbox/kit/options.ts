/** Start options several platform sandboxes share; each platform's default values live with the platform. */

export interface RedirectUriOptions {
  /** Redirect URIs registered for the app; absent or empty accepts any absolute http(s) URI. */
  redirectUris?: readonly string[];
}

export interface WebhookRetryOptions {
  /** Delays between webhook retries; default: the platform's schedule, `<PLATFORM>_RETRY_DELAYS_MS` in its webhooks module. */
  webhookRetryDelaysMs?: readonly number[];
}

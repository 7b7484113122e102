/**
 * The consent screen a sandbox shows at its authorize endpoint: the app name, the scopes it
 * asks for, and Allow / Deny buttons that post back to the sandbox. Each sandbox decides what
 * Allow and Deny redirect to, using its platform's own parameters.
 */

export interface ConsentPageOptions {
  /** Platform shown in the heading, e.g. "Meta". */
  platform: string;
  appName: string;
  scopes: readonly string[];
  /** Where the Allow / Deny form posts. */
  action: string;
  /** Authorize parameters carried through the form (client_id, redirect_uri, state…). */
  hidden: Record<string, string>;
  /** Shown when the sandbox knows who is "logged in". */
  userName?: string;
}

export type ConsentDecision = 'allow' | 'deny';

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
}

export function renderConsentPage(o: ConsentPageOptions): string {
  const hidden = Object.entries(o.hidden)
    .map(([k, v]) => `<input type="hidden" name="${escapeHtml(k)}" value="${escapeHtml(v)}">`)
    .join('\n      ');
  const scopes = o.scopes.length
    ? o.scopes.map((s) => `<li><code>${escapeHtml(s)}</code></li>`).join('')
    : '<li>basic profile</li>';
  const who = o.userName ? `<p>Continue as <strong>${escapeHtml(o.userName)}</strong></p>` : '';
  return `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>${escapeHtml(o.platform)} sandbox — authorize ${escapeHtml(o.appName)}</title>
  <style>
    body { font-family: system-ui, sans-serif; max-width: 28rem; margin: 4rem auto; padding: 0 1rem; color: #1c1e21; }
    .card { border: 1px solid #dadde1; border-radius: 8px; padding: 1.5rem; }
    .note { color: #606770; font-size: .85rem; }
    button { font-size: 1rem; padding: .5rem 1.25rem; border-radius: 6px; border: 1px solid #ccd0d5; cursor: pointer; }
    button[value=allow] { background: #1877f2; color: #fff; border-color: #1877f2; }
  </style>
</head>
<body>
  <div class="card">
    <p class="note">${escapeHtml(o.platform)} sandbox (local simulator)</p>
    <h1>${escapeHtml(o.appName)} is requesting access</h1>
    ${who}
    <p>It will be able to:</p>
    <ul>${scopes}</ul>
    <form method="post" action="${escapeHtml(o.action)}">
      ${hidden}
      <button type="submit" name="decision" value="allow">Allow</button>
      <button type="submit" name="decision" value="deny">Deny</button>
    </form>
  </div>
</body>
</html>`;
}

/** Reads the button pressed; anything but an explicit allow counts as deny (fail closed). */
export function readDecision(body: Record<string, unknown>): ConsentDecision {
  return body['decision'] === 'allow' ? 'allow' : 'deny';
}

/** Appends parameters to a redirect URI, keeping any query it already has. */
export function withParams(uri: string, params: Record<string, string | undefined>): string {
  const url = new URL(uri);
  for (const [k, v] of Object.entries(params)) if (v !== undefined) url.searchParams.set(k, v);
  return url.toString();
}

/** Redirect URIs must be absolute http(s) URLs; anything else is refused before redirecting. */
export function isRedirectUri(value: string | undefined): value is string {
  if (!value) return false;
  try {
    const u = new URL(value);
    return u.protocol === 'http:' || u.protocol === 'https:';
  } catch {
    return false;
  }
}

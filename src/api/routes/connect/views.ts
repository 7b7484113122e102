import type { CredentialField, ProviderDefinition } from '../../../providers/types.ts';

const ESC: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export const esc = (s: string) => s.replace(/[&<>"']/g, (c) => ESC[c]!);

function layout(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${esc(title)}</title><style>
body{font-family:system-ui,sans-serif;background:#f5f6f8;margin:0;display:flex;min-height:100vh;align-items:center;justify-content:center}
main{background:#fff;border-radius:12px;box-shadow:0 2px 12px #0002;padding:32px;max-width:420px;width:100%}
h1{font-size:20px;margin:0 0 8px}p{color:#444;line-height:1.5}label{display:block;margin:14px 0 4px;font-weight:600;font-size:14px}
input{width:100%;box-sizing:border-box;padding:9px;border:1px solid #ccc;border-radius:6px;font-size:15px}
button{margin-top:20px;width:100%;padding:11px;border:0;border-radius:6px;background:#3b5bdb;color:#fff;font-size:16px;cursor:pointer}
.error{background:#fff0f0;border:1px solid #f2b8b8;color:#8a1f1f;padding:10px;border-radius:6px}.ok{color:#1c7c3a}
</style></head><body><main>${body}</main></body></html>`;
}

function field(f: CredentialField, value = ''): string {
  const type = f.secret ? 'password' : 'text';
  return `<label for="${esc(f.name)}">${esc(f.label)}${f.optional ? ' (optional)' : ''}</label>
<input id="${esc(f.name)}" name="${esc(f.name)}" type="${type}" value="${f.secret ? '' : esc(value)}" ${f.optional ? '' : 'required'} autocomplete="off">`;
}

/** The page the end user lands on: one button for OAuth platforms, a form for the others. */
export function connectPage(def: ProviderDefinition, token: string, opts: { error?: string; values?: Record<string, string> } = {}): string {
  const config = def.connectionConfig ?? [];
  const err = opts.error ? `<p class="error" role="alert">${esc(opts.error)}</p>` : '';
  const values = opts.values ?? {};
  if (def.auth.kind === 'oauth2' || def.auth.kind === 'oauth1a') {
    return layout(`Connect ${def.displayName}`, `<h1>Connect ${esc(def.displayName)}</h1>
<p>You will be sent to ${esc(def.displayName)} to approve access, then brought back here.</p>${err}
<form method="post" action="/connect/${esc(token)}/authorize">${config.map((f) => field(f, values[f.name])).join('')}
<button type="submit">Continue to ${esc(def.displayName)}</button></form>`);
  }
  return layout(`Connect ${def.displayName}`, `<h1>Connect ${esc(def.displayName)}</h1>
<p>Enter the details of your ${esc(def.displayName)} site. They are checked with ${esc(def.displayName)} before anything is saved, and stored encrypted.</p>${err}
<form method="post" action="/connect/${esc(token)}/credentials">${[...config, ...def.auth.fields].map((f) => field(f, values[f.name])).join('')}
<button type="submit">Connect</button></form>`);
}

export function resultPage(ok: boolean, title: string, message: string): string {
  return layout(title, `<h1 class="${ok ? 'ok' : ''}">${esc(title)}</h1>${ok ? `<p>${esc(message)}</p>` : `<p class="error" role="alert">${esc(message)}</p>`}<p>You can close this window.</p>`);
}

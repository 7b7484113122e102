import { signInStrings as t } from './strings.ts';

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** The sign-in form: a plain HTML form (no script), styled by the console bundle's stylesheet. */
export function signInPage(opts: {
  css?: string | undefined;
  error?: string | undefined;
  notice?: string | undefined;
}): string {
  return `<!doctype html>
<html lang="${t.lang}">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${esc(t.title)}</title>
${opts.css ? `<link rel="stylesheet" href="/console/assets/${esc(opts.css)}">` : ''}</head>
<body><main id="main" class="sign-in">
<h1>${esc(t.heading)}</h1>
<p>${esc(t.intro)}</p>
${opts.error ? `<div class="notice error" role="alert">${esc(opts.error)}</div>` : ''}${opts.notice ? `<div class="notice info" role="status">${esc(opts.notice)}</div>` : ''}
<form method="post" action="/console/sign-in">
<div class="field"><label for="token">${esc(t.tokenLabel)}</label>
<input id="token" name="token" type="password" autocomplete="current-password" required${opts.error ? ' aria-invalid="true"' : ''}></div>
<button type="submit" class="primary">${esc(t.submit)}</button>
</form>
</main></body></html>`;
}

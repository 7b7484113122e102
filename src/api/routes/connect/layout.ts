import type { Branding } from '../../../portal/branding.ts';
import { strings } from './strings.ts';

const ESC: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export const esc = (s: string) => s.replace(/[&<>"']/g, (c) => ESC[c]!);

/** Who asks the person to connect: the org's name, and its logo and accent where it set them. */
export type { Branding };

const DEFAULT_ACCENT = '#3b5bdb';

function luminance(hex: string): number {
  const [r, g, b] = [1, 3, 5].map((i) => {
    const c = parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
}

/** Button text on the org's accent: white where it reads at 4.5:1 (WCAG AA), near-black otherwise. */
export function textOn(accent: string): string {
  return 1.05 / (luminance(accent) + 0.05) >= 4.5 ? '#ffffff' : '#111111';
}

const accentOf = (b?: Branding) => (b?.accent && /^#[0-9a-f]{6}$/i.test(b.accent) ? b.accent : DEFAULT_ACCENT);

const CSS = `*{box-sizing:border-box}
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;background:#f3f4f6;color:#1f2328;margin:0;display:flex;min-height:100vh;align-items:center;justify-content:center;padding:16px}
main{background:#fff;border-radius:12px;box-shadow:0 2px 12px #0002;padding:28px 32px;max-width:440px;width:100%}
header.brand{display:flex;align-items:center;gap:10px;margin:0 0 18px;color:#4a5058;font-size:14px}
header.brand img{max-height:32px;max-width:120px}
h1{font-size:21px;margin:0 0 8px;line-height:1.3}h2{font-size:13px;text-transform:uppercase;letter-spacing:.04em;color:#4a5058;margin:20px 0 8px}
p{color:#3d434a;line-height:1.5;margin:8px 0}
label{display:block;margin:14px 0 4px;font-weight:600;font-size:14px}
input{width:100%;padding:9px 10px;border:1px solid #767b82;border-radius:6px;font-size:15px;color:#1f2328;background:#fff}
input[aria-invalid=true]{border-color:#b42318;border-width:2px}
.field-error{color:#b42318;font-size:13px;margin:4px 0 0}
button{margin-top:20px;width:100%;padding:11px;border:0;border-radius:6px;background:var(--accent);color:var(--on-accent);font-size:16px;font-weight:600;cursor:pointer}
a{color:#1d4ed8}
:focus-visible{outline:3px solid var(--accent);outline-offset:2px}
.error{background:#fff0f0;border:1px solid #e8a6a6;color:#8a1f1f;padding:10px 12px;border-radius:6px}
.error p{color:#8a1f1f;margin:4px 0}.ok{color:#1a6b34}
ul.platforms{list-style:none;margin:0;padding:0;display:grid;gap:8px}
ul.platforms a{display:flex;align-items:center;gap:12px;padding:10px 12px;border:1px solid #d0d4d9;border-radius:8px;text-decoration:none;color:#1f2328;font-weight:600}
ul.platforms a:hover{border-color:var(--accent);background:#f7f8fb}
.mark{flex:none}.heading{display:flex;align-items:center;gap:12px;margin-bottom:8px}.heading h1{margin:0}
.back{display:inline-block;margin-top:16px;font-size:14px}
.sr-only{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}`;

/** The page shell: the org's header, the card, and an optional script (run under the page's CSP nonce). */
export function layout(
  title: string,
  body: string,
  opts: { branding?: Branding; script?: { nonce: string; source: string } } = {},
): string {
  const accent = accentOf(opts.branding);
  const b = opts.branding;
  const brand = b
    ? `<header class="brand">${b.logoUrl ? `<img src="${esc(b.logoUrl)}" alt="">` : ''}<span>${esc(strings.poweredBy(b.name))}</span></header>`
    : '';
  const script = opts.script ? `<script nonce="${esc(opts.script.nonce)}">${opts.script.source}</script>` : '';
  return `<!doctype html><html lang="${strings.lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${esc(title)}</title><style>:root{--accent:${accent};--on-accent:${textOn(accent)}}
${CSS}</style></head><body><main>${brand}${body}</main>${script}</body></html>`;
}

/**
 * Connect pages run no script but the completion handshake, load nothing from elsewhere but
 * the org's logo, and are never framed (clickjacking the consent or credential form).
 */
export function contentSecurityPolicy(nonce?: string): string {
  return [
    "default-src 'none'",
    "style-src 'unsafe-inline'",
    "img-src 'self' https: data:",
    nonce ? `script-src 'nonce-${nonce}'` : "script-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

import { randomBytes } from 'node:crypto';
import { esc, layout, type Branding } from './layout.ts';
import { strings } from './strings.ts';

/** What the completion page tells the window that opened it (see packages/sdk/src/connect.ts). */
export interface ConnectOutcome {
  type: 'plexus.connect';
  status: 'success' | 'error';
  connectionId?: string;
  provider?: string;
  error?: { code: string; message: string };
}

export interface ResultPage {
  html: string;
  /** Set when the page carries the handshake script; its CSP must allow this nonce. */
  nonce?: string;
}

// JSON inside a <script> element: nothing in it may close the element or start a comment.
const scriptJson = (v: unknown) =>
  JSON.stringify(v).replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026');

/**
 * Posts the outcome to the opener, to the one origin the session named and no other: a page
 * of another origin that opened this window learns nothing (postMessage drops it).
 */
const handshake = (origin: string, outcome: ConnectOutcome) =>
  `(function(){var o=window.opener;if(o&&!o.closed){o.postMessage(${scriptJson(outcome)},${scriptJson(origin)});}})();`;

export function resultPage(
  ok: boolean,
  title: string,
  message: string,
  opts: {
    branding?: Branding | undefined;
    notify?: { origin: string; outcome: ConnectOutcome } | undefined;
    returnUrl?: string | undefined;
  } = {},
): ResultPage {
  const body = `<h1 class="${ok ? 'ok' : ''}">${esc(title)}</h1>${ok ? `<p>${esc(message)}</p>` : `<div class="error" role="alert"><p>${esc(message)}</p></div>`}<p>${esc(strings.closeWindow)}</p>${
    opts.returnUrl ? `<p><a href="${esc(opts.returnUrl)}">${esc(strings.backToApp)}</a></p>` : ''
  }`;
  const branding = opts.branding ? { branding: opts.branding } : {};
  if (!opts.notify) return { html: layout(title, body, branding) };
  const nonce = randomBytes(16).toString('base64');
  return {
    html: layout(title, body, {
      ...branding,
      script: { nonce, source: handshake(opts.notify.origin, opts.notify.outcome) },
    }),
    nonce,
  };
}

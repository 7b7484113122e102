/**
 * Connect from the browser: opens a connect session's `url` in a popup and settles when the
 * person is done. Plexus's completion page posts the outcome to the origin the session was
 * created with (`web_origin`); this side accepts a message only from that popup and from the
 * connect URL's origin. The same code is served by Plexus as `/connect/plexus-connect.js`
 * (global `PlexusConnect`).
 *
 * It runs in browsers only; the few browser types it needs are declared here, so the package
 * type-checks under Node's library as well.
 */

export interface ConnectResult {
  connectionId: string;
  provider: string;
}

export interface OpenConnectOptions {
  /** Give up (and close the popup) after this long; default 10 minutes, a session's lifetime. */
  timeoutMs?: number;
  width?: number;
  height?: number;
}

// `string & {}` keeps the known codes offered by editors while still admitting a session's own error code.
export type ConnectErrorCode = 'popup_blocked' | 'closed' | 'timeout' | 'invalid_url' | (string & {});

/** Why the promise was rejected: `code` is stable (or the session's error code), `message` readable. */
export class PlexusConnectError extends Error {
  readonly code: ConnectErrorCode;
  constructor(code: ConnectErrorCode, message: string) {
    super(message);
    this.name = 'PlexusConnectError';
    this.code = code;
  }
}

/** The words of the rejections, in one place for translation. */
export const CONNECT_MESSAGES = {
  popup_blocked: 'The browser blocked the connect window: allow pop-ups for this site, then try again.',
  closed: 'The connect window was closed before the connection was finished.',
  timeout: 'Connecting took too long; start again.',
  invalid_url: 'The connect URL is not a valid URL.',
} as const;

interface PopupWindow {
  readonly closed: boolean;
  close(): void;
}
interface ConnectMessage {
  readonly origin: string;
  readonly source: unknown;
  readonly data: unknown;
}
interface HostWindow {
  open(url: string, target: string, features: string): PopupWindow | null;
  addEventListener(type: 'message', listener: (e: ConnectMessage) => void): void;
  removeEventListener(type: 'message', listener: (e: ConnectMessage) => void): void;
  readonly screenX: number;
  readonly screenY: number;
  readonly outerWidth: number;
  readonly outerHeight: number;
}

interface Outcome {
  type: 'plexus.connect';
  status: 'success' | 'error';
  connectionId?: string;
  provider?: string;
  error?: { code: string; message: string };
}

const isOutcome = (d: unknown): d is Outcome =>
  typeof d === 'object' && d !== null && (d as { type?: unknown }).type === 'plexus.connect';

/** How often a closed popup is noticed (browsers send no event when a cross-origin popup closes). */
const CLOSED_POLL_MS = 400;

export function openConnect(url: string, options: OpenConnectOptions = {}): Promise<ConnectResult> {
  const host = globalThis as unknown as HostWindow;
  let origin: string;
  try {
    origin = new URL(url).origin;
  } catch {
    return Promise.reject(new PlexusConnectError('invalid_url', CONNECT_MESSAGES.invalid_url));
  }
  const width = options.width ?? 520;
  const height = options.height ?? 680;
  const left = Math.max(0, host.screenX + (host.outerWidth - width) / 2);
  const top = Math.max(0, host.screenY + (host.outerHeight - height) / 3);
  const popup = host.open(
    url,
    'plexus-connect',
    `popup=yes,width=${width},height=${height},left=${Math.round(left)},top=${Math.round(top)}`,
  );
  if (!popup) return Promise.reject(new PlexusConnectError('popup_blocked', CONNECT_MESSAGES.popup_blocked));

  return new Promise<ConnectResult>((resolve, reject) => {
    const done = (settle: () => void) => {
      host.removeEventListener('message', onMessage);
      clearInterval(poll);
      clearTimeout(timer);
      settle();
    };
    const onMessage = (e: ConnectMessage) => {
      if (e.origin !== origin || e.source !== popup || !isOutcome(e.data)) return;
      const o = e.data;
      done(() => {
        popup.close();
        if (o.status === 'success' && o.connectionId)
          resolve({ connectionId: o.connectionId, provider: o.provider ?? '' });
        else reject(new PlexusConnectError(o.error?.code ?? 'failed', o.error?.message ?? 'The connection failed.'));
      });
    };
    const poll = setInterval(() => {
      if (popup.closed) done(() => reject(new PlexusConnectError('closed', CONNECT_MESSAGES.closed)));
    }, CLOSED_POLL_MS);
    const timer = setTimeout(
      () => {
        done(() => {
          popup.close();
          reject(new PlexusConnectError('timeout', CONNECT_MESSAGES.timeout));
        });
      },
      options.timeoutMs ?? 10 * 60_000,
    );
    host.addEventListener('message', onMessage);
  });
}

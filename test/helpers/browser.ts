/**
 * A small browser stand-in for connect flows: real HTTP with redirects followed, and forms
 * (the connect page's and the sandbox consent page's) submitted the way a person would.
 */
export interface Page {
  url: string;
  status: number;
  html: string;
}

/** Cookies by host, kept across requests like a browser's (the connect flow binds to one). */
const jar = new Map<string, Map<string, string>>();

function remember(url: string, res: Response): void {
  const host = new URL(url).host;
  for (const line of res.headers.getSetCookie()) {
    const [pair] = line.split(';');
    const i = pair!.indexOf('=');
    if (i <= 0) continue;
    const name = pair!.slice(0, i).trim();
    const value = pair!.slice(i + 1).trim();
    const cookies = jar.get(host) ?? new Map<string, string>();
    if (!value || /max-age=0/i.test(line)) cookies.delete(name);
    else cookies.set(name, value);
    jar.set(host, cookies);
  }
}

export function cookieHeader(url: string): Record<string, string> {
  const cookies = jar.get(new URL(url).host);
  return cookies?.size ? { cookie: [...cookies].map(([k, v]) => `${k}=${v}`).join('; ') } : {};
}

/** fetch that follows redirects itself, so cookies set on the way are kept and sent. */
export async function browse(url: string, init: RequestInit = {}): Promise<Response & { finalUrl: string }> {
  let current = url;
  let req: RequestInit = init;
  for (let hops = 0; hops < 20; hops++) {
    const res = await fetch(current, {
      ...req,
      redirect: 'manual',
      headers: { ...(req.headers as Record<string, string> | undefined), ...cookieHeader(current) },
    });
    remember(current, res);
    const location = res.headers.get('location');
    if (res.status >= 300 && res.status < 400 && location) {
      current = new URL(location, current).toString();
      // 303 (and 301/302 after a POST) continue as a GET without the body, like browsers.
      req = res.status === 307 || res.status === 308 ? req : {};
      continue;
    }
    return Object.assign(res, { finalUrl: current });
  }
  throw new Error(`too many redirects from ${url}`);
}

export async function open(url: string): Promise<Page> {
  const res = await browse(url);
  return { url: res.finalUrl, status: res.status, html: await res.text() };
}

function decode(s: string): string {
  return s
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

/** Submits the page's first form with its hidden fields, the given values, and a pressed button. */
export async function submit(
  page: Page,
  values: Record<string, string> = {},
  button?: { name: string; value: string },
): Promise<Page> {
  const form =
    /<form[^>]*method="post"[^>]*action="([^"]+)"[^>]*>([\s\S]*?)<\/form>/i.exec(page.html) ??
    /<form[^>]*action="([^"]+)"[^>]*method="post"[^>]*>([\s\S]*?)<\/form>/i.exec(page.html);
  if (!form) throw new Error(`no form on ${page.url}: ${page.html.slice(0, 300)}`);
  const body = new URLSearchParams();
  for (const m of form[2]!.matchAll(/<input[^>]*type="hidden"[^>]*name="([^"]+)"[^>]*value="([^"]*)"/g))
    body.set(decode(m[1]!), decode(m[2]!));
  for (const [k, v] of Object.entries(values)) body.set(k, v);
  if (button) body.set(button.name, button.value);
  const action = new URL(decode(form[1]!), page.url).toString();
  const res = await browse(action, {
    method: 'POST',
    body,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
  });
  return { url: res.finalUrl, status: res.status, html: await res.text() };
}

/** A JSON body for assertions (tests inspect loosely typed API answers). */

export async function jsonOf(res: Response | Promise<Response>): Promise<any> {
  return (await res).json();
}

/** Real Chromium (portal and console tests): launch, loopback-only pages, axe checks, screenshots. */
export { checkA11y, launchChromium, loopbackPage, screenshot } from './chromium.ts';

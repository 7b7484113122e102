/**
 * A small browser stand-in for connect flows: real HTTP with redirects followed, and forms
 * (the connect page's and the sandbox consent page's) submitted the way a person would.
 */
export interface Page {
  url: string;
  status: number;
  html: string;
}

export async function open(url: string): Promise<Page> {
  const res = await fetch(url, { redirect: 'follow' });
  return { url: res.url, status: res.status, html: await res.text() };
}

function decode(s: string): string {
  return s.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

/** Submits the page's first form with its hidden fields, the given values, and a pressed button. */
export async function submit(page: Page, values: Record<string, string> = {}, button?: { name: string; value: string }): Promise<Page> {
  const form = /<form[^>]*method="post"[^>]*action="([^"]+)"[^>]*>([\s\S]*?)<\/form>/i.exec(page.html) ?? /<form[^>]*action="([^"]+)"[^>]*method="post"[^>]*>([\s\S]*?)<\/form>/i.exec(page.html);
  if (!form) throw new Error(`no form on ${page.url}: ${page.html.slice(0, 300)}`);
  const body = new URLSearchParams();
  for (const m of form[2]!.matchAll(/<input[^>]*type="hidden"[^>]*name="([^"]+)"[^>]*value="([^"]*)"/g)) body.set(decode(m[1]!), decode(m[2]!));
  for (const [k, v] of Object.entries(values)) body.set(k, v);
  if (button) body.set(button.name, button.value);
  const action = new URL(decode(form[1]!), page.url).toString();
  const res = await fetch(action, { method: 'POST', body, headers: { 'content-type': 'application/x-www-form-urlencoded' }, redirect: 'follow' });
  return { url: res.url, status: res.status, html: await res.text() };
}

/** A JSON body for assertions (tests inspect loosely typed API answers). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function jsonOf(res: Response | Promise<Response>): Promise<any> {
  return (await res).json();
}

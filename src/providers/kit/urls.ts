/** Fills `{name}` placeholders; a placeholder with no value is an error, never left in a URL. */
export function expand(template: string, vars: Readonly<Record<string, string | undefined>>): string {
  return template.replace(/\{([A-Za-z0-9_]+)\}/g, (_, name: string) => {
    const v = vars[name];
    if (v === undefined || v === '') throw new Error(`missing value for {${name}} in ${template.replace(/\?.*$/, '')}`);
    return v;
  });
}

/**
 * The same URL on another origin, keeping path and query. A platform's sandbox serves every
 * host's paths on one origin, so overriding the origin is all it takes to switch a connector
 * from the real API to the sandbox. The override's own path (if any) is prefixed.
 */
export function withOrigin(url: string, origin: string | undefined): string {
  if (!origin) return url;
  const u = new URL(url);
  const o = new URL(origin);
  const prefix = o.pathname.replace(/\/$/, '');
  return `${o.origin}${prefix}${u.pathname}${u.search}`;
}

import { unwrap, type ApiClient, type Row } from '../../../shared/api.ts';

export type Site = Row<'/v1/connections'>;

/**
 * The org's connected sites: connections of a CMS platform (the ones content is published to).
 * One page of 200 is enough for a portal; an org with more sites narrows by other means.
 */
export async function loadSites(api: ApiClient): Promise<Site[]> {
  const [providers, connections] = await Promise.all([
    unwrap(api.GET('/v1/providers')),
    unwrap(api.GET('/v1/connections', { params: { query: { limit: 200 } } })),
  ]);
  const cms = new Set(providers.data.filter((p) => p.family === 'cms').map((p) => p.id));
  return connections.data.filter((c) => cms.has(c.provider));
}

/** A site as people know it: its name, else its address or account, with the platform. */
export function siteName(sites: Site[] | undefined, id: string): string {
  const s = sites?.find((x) => x.id === id);
  if (!s) return id.slice(0, 8);
  return `${s.display_name ?? s.config['siteUrl'] ?? s.external_account_id ?? s.id.slice(0, 8)} (${s.provider})`;
}

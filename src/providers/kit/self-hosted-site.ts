import type { ConnectorContext } from '../contracts/connector.ts';
import type { CredentialField } from '../types.ts';

/** The setting a self-hosted CMS connection needs besides credentials: where the site lives. */
export const siteUrlConfig = [
  { name: 'siteUrl', label: 'Site URL', secret: false, isUrl: true },
] as const satisfies readonly CredentialField[];

/** A self-hosted site's connection is known by its URL (trailing slashes dropped), shown with who signed in. */
export function siteAccount(ctx: ConnectorContext, who: string): { externalAccountId: string; displayName: string } {
  const site = ctx.config.siteUrl ?? '';
  return { externalAccountId: site.replace(/\/+$/, ''), displayName: `${who} @ ${site}` };
}

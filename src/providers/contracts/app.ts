/**
 * A platform app's settings, from the environment: `PLEXUS_<ID>_CLIENT_ID`,
 * `PLEXUS_<ID>_CLIENT_SECRET`, `PLEXUS_<ID>_BASE_URL` (send every platform URL to this origin
 * instead: the sandbox, a proxy), and any other `PLEXUS_<ID>_<NAME>` as an extra value that
 * definitions reference as `{camelName}` (e.g. `PLEXUS_GOOGLE_ADS_DEVELOPER_TOKEN` →
 * `{developerToken}`). `<ID>` is the provider id upper-cased with `-` as `_`.
 */
export interface ProviderApp {
  clientId: string | undefined;
  clientSecret: string | undefined;
  baseUrl: string | undefined;
  extra: Readonly<Record<string, string>>;
}

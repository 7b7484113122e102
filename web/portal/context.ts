import type { JSX } from 'preact';
import type { ApiClient } from '../shared/api.ts';
import type { Strings } from '../shared/strings.ts';

/** What the portal knows about the signed-in session (from `GET /v1/portal-session`). */
export interface PortalSession {
  orgId: string;
  orgName: string;
  logoUrl?: string | undefined;
  accent?: string | undefined;
  /** A read-only session sees everything and changes nothing: write buttons are hidden. */
  readOnly: boolean;
  /** The section ids this session may open, in nav order. */
  sections: string[];
}

/** Everything a section page gets: the typed `/v1` client, the session, navigation and words. */
export interface PortalContext {
  api: ApiClient;
  session: PortalSession;
  /** Goes to a portal path, e.g. `/portal/connections/<id>`, without a page load. */
  navigate: (path: string) => void;
  strings: Strings;
}

/** The props of a section page: the context and the path segments after the section's own. */
export interface SectionProps {
  ctx: PortalContext;
  /** `/portal/connections/abc` → `['abc']` for the connections section. */
  path: string[];
  /** The query string of the current address, for filters that survive a reload. */
  query: URLSearchParams;
}

/** One portal section: registered by one line in `sections/index.ts`. */
export interface Section {
  id: string;
  title: string;
  Page: (props: SectionProps) => JSX.Element | null;
}

export const PORTAL_BASE = '/portal';
export const sectionHref = (id: string, ...rest: string[]) =>
  [PORTAL_BASE, id, ...rest.map(encodeURIComponent)].join('/');

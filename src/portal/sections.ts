/** The portal's sections, in nav order: what a session may be limited to. */
export const PORTAL_SECTIONS = ['connections', 'syncs', 'content', 'conflicts', 'ads', 'webhooks', 'failures'] as const;
export type PortalSectionId = (typeof PORTAL_SECTIONS)[number];

export const PORTAL_MODES = ['read_only', 'manage'] as const;
export type PortalMode = (typeof PORTAL_MODES)[number];

import { z } from 'zod';
import { plexusError } from '../../../core/errors.ts';
import { found } from '../../found.ts';
import { orgRoutePlugin } from '../../org-routes.ts';
import { errorSchema } from '../../schemas.ts';
import {
  createPortalSession,
  portalSessionWithOrg,
  revokePortalSession,
  type PortalSessionRow,
} from '../../../portal/store.ts';
import { PORTAL_MODES, PORTAL_SECTIONS } from '../../../portal/sections.ts';
import { getPortalSettings, updatePortalSettings } from '../../../portal/settings.ts';
import { csrfTokenOf } from '../../../portal/tokens.ts';

const portalMode = z.enum(PORTAL_MODES).meta({
  id: 'PortalMode',
  description: '`read_only` sees everything and changes nothing; `manage` may act (sync, reconnect, replay…).',
});
const portalSection = z
  .enum(PORTAL_SECTIONS)
  .meta({ id: 'PortalSection', description: 'A section of the org portal.' });

const sessionSchema = z.object({
  id: z.string(),
  mode: portalMode,
  sections: z.array(portalSection),
  end_user_ref: z.string().nullable(),
  lifetime_seconds: z.number(),
  /** The enter link works until then, once. */
  enter_expires_at: z.date(),
  entered_at: z.date().nullable(),
  expires_at: z.date().nullable(),
  revoked_at: z.date().nullable(),
  created_at: z.date(),
});

const formatSession = (r: PortalSessionRow) => ({
  id: r.id,
  mode: r.mode,
  sections: r.sections as (typeof PORTAL_SECTIONS)[number][],
  end_user_ref: r.end_user_ref,
  lifetime_seconds: r.lifetime_seconds,
  enter_expires_at: r.enter_expires_at,
  entered_at: r.entered_at,
  expires_at: r.expires_at,
  revoked_at: r.revoked_at,
  created_at: r.created_at,
});

/** An origin as a browser sends it: scheme, host and port, nothing else. */
const origin = z
  .string()
  .max(300)
  .refine((v) => {
    try {
      const u = new URL(v);
      return (u.protocol === 'https:' || u.protocol === 'http:') && u.origin === v;
    } catch {
      return false;
    }
  }, 'must be an origin such as https://app.example.com (scheme, host and port only)');

const settingsSchema = z.object({
  allowed_origins: z.array(z.string()),
  display_name: z.string().nullable(),
  logo_url: z.string().nullable(),
  accent_color: z.string().nullable(),
});

const settingsChange = z
  .object({
    allowed_origins: z.array(origin).max(20).optional(),
    display_name: z.string().min(1).max(200).nullable().optional(),
    logo_url: z
      .string()
      .url()
      .max(2000)
      .refine((u) => /^https?:\/\//.test(u), 'must be http(s)')
      .nullable()
      .optional(),
    accent_color: z
      .string()
      .regex(/^#[0-9a-fA-F]{6}$/, 'must be a colour such as #1d4ed8')
      .transform((v) => v.toLowerCase())
      .nullable()
      .optional(),
  })
  .refine((b) => Object.keys(b).length > 0, { message: 'Nothing to change.' });

export const portalRoutes = orgRoutePlugin('portal', async (app, { deps, org, schema }) => {
  app.post(
    '/portal-sessions',
    schema.route(
      'Open the org portal for one of your users: the answer’s `url` signs its first visitor in (once, within minutes), for this organisation only',
      {
        body: z.object({
          end_user_ref: z.string().min(1).max(200).optional(),
          sections: z.array(portalSection).min(1).max(PORTAL_SECTIONS.length).optional(),
          mode: portalMode.default('read_only'),
          lifetime_seconds: z.number().int().min(60).max(86_400).default(3600),
        }),
        response: { 201: sessionSchema.extend({ url: z.string() }) },
      },
    ),
    async (req, reply) => {
      const b = req.body;
      const sections = PORTAL_SECTIONS.filter((s) => !b.sections || b.sections.includes(s));
      const { row, enterToken } = await org.tx(req, async (c, orgId, audit) => {
        const created = await createPortalSession(
          c,
          orgId,
          {
            mode: b.mode,
            sections,
            endUserRef: b.end_user_ref ?? null,
            lifetimeSeconds: b.lifetime_seconds,
            keyId: req.auth?.keyId ?? null,
          },
          deps.clock.now(),
        );
        await audit(
          'portal_session.create',
          { type: 'portal_session', id: created.row.id },
          { mode: b.mode, sections, lifetime_seconds: b.lifetime_seconds },
        );
        return created;
      });
      const url = `${deps.publicUrl().replace(/\/$/, '')}/portal/enter?token=${encodeURIComponent(enterToken)}`;
      return reply.status(201).send({ ...formatSession(row), url });
    },
  );

  app.delete(
    '/portal-sessions/:id',
    schema.onId('End a portal session now (its link and its cookie stop working)', { 200: sessionSchema }),
    async (req) => {
      const row = await org.tx(req, async (c, orgId, audit) => {
        const revoked = await revokePortalSession(c, orgId, req.params.id, deps.clock.now());
        if (revoked) await audit('portal_session.revoke', { type: 'portal_session', id: revoked.id });
        return revoked;
      });
      return formatSession(found(row, 'No such portal session.'));
    },
  );

  app.get(
    '/portal-session',
    schema.route(
      'The portal session of the request (cookie-authenticated): its org, branding, mode, sections and the CSRF token its writes carry',
      {
        response: {
          200: z.object({
            id: z.string(),
            org_id: z.string(),
            mode: portalMode,
            sections: z.array(portalSection),
            expires_at: z.date(),
            /** Send it back in `X-CSRF-Token` on every write. */
            csrf_token: z.string(),
            branding: z.object({
              display_name: z.string(),
              logo_url: z.string().nullable(),
              accent_color: z.string().nullable(),
            }),
          }),
          403: errorSchema,
        },
      },
    ),
    async (req) => {
      const session = req.auth?.portal;
      if (!session)
        throw plexusError('forbidden', {
          message: 'Only a portal session has a portal session; an API key opens one with POST /v1/portal-sessions.',
        });
      return org.tx(req, async (c, orgId) => {
        const s = await portalSessionWithOrg(c, orgId, session.sessionId);
        if (!s?.expires_at) throw plexusError('portal_session_invalid');
        const settings = await getPortalSettings(c, orgId);
        return {
          id: session.sessionId,
          org_id: orgId,
          mode: s.mode,
          sections: s.sections as (typeof PORTAL_SECTIONS)[number][],
          expires_at: s.expires_at,
          csrf_token: csrfTokenOf(session.token),
          branding: {
            display_name: settings.display_name ?? s.org_name,
            logo_url: settings.logo_url,
            accent_color: settings.accent_color,
          },
        };
      });
    },
  );

  app.get(
    '/org/portal',
    schema.route('The org portal’s settings: who may frame it, its name, logo and colour', {
      response: { 200: settingsSchema },
    }),
    async (req) => org.tx(req, (c, orgId) => getPortalSettings(c, orgId)),
  );

  app.patch(
    '/org/portal',
    schema.route(
      'Change the org portal’s settings: the origins allowed to frame it (CSP frame-ancestors), its display name, logo URL and accent colour',
      { body: settingsChange, response: { 200: settingsSchema } },
    ),
    async (req) => {
      const change = req.body;
      return org.tx(req, async (c, orgId, audit) => {
        const next = await updatePortalSettings(
          c,
          orgId,
          Object.fromEntries(Object.entries(change).filter(([, v]) => v !== undefined)),
        );
        await audit('org.portal.update', { type: 'org', id: orgId }, { fields: Object.keys(change) });
        return next;
      });
    },
  );
});

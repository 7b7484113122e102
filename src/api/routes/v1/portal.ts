import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { plexusError } from '../../../core/errors.ts';
import { withOrgTx } from '../../../db/tx.ts';
import type { AppDeps } from '../../deps.ts';
import { orgOf } from '../../plugins/auth.ts';
import { authErrors, errorSchema, idParams } from '../../schemas.ts';
import { byRequest } from '../../../audit/actor.ts';
import { recordAudit } from '../../../audit/record.ts';
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

export const portalRoutes: FastifyPluginAsyncZod<AppDeps> = async (app, deps) => {
  app.post(
    '/portal-sessions',
    {
      schema: {
        tags: ['portal'],
        summary:
          'Open the org portal for one of your users: the answer’s `url` signs its first visitor in (once, within minutes), for this organisation only',
        body: z.object({
          end_user_ref: z.string().min(1).max(200).optional(),
          sections: z.array(portalSection).min(1).max(PORTAL_SECTIONS.length).optional(),
          mode: portalMode.default('read_only'),
          lifetime_seconds: z.number().int().min(60).max(86_400).default(3600),
        }),
        response: { 201: sessionSchema.extend({ url: z.string() }), ...authErrors },
      },
    },
    async (req, reply) => {
      const orgId = orgOf(req);
      const b = req.body;
      const sections = PORTAL_SECTIONS.filter((s) => !b.sections || b.sections.includes(s));
      const { row, enterToken } = await withOrgTx(deps.db.app, orgId, async (c) => {
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
        await recordAudit(c, orgId, {
          ...byRequest(req),
          action: 'portal_session.create',
          target: { type: 'portal_session', id: created.row.id },
          details: { mode: b.mode, sections, lifetime_seconds: b.lifetime_seconds },
        });
        return created;
      });
      const url = `${deps.publicUrl().replace(/\/$/, '')}/portal/enter?token=${encodeURIComponent(enterToken)}`;
      return reply.status(201).send({ ...formatSession(row), url });
    },
  );

  app.delete(
    '/portal-sessions/:id',
    {
      schema: {
        tags: ['portal'],
        summary: 'End a portal session now (its link and its cookie stop working)',
        params: idParams,
        response: { 200: sessionSchema, ...authErrors },
      },
    },
    async (req) => {
      const orgId = orgOf(req);
      const row = await withOrgTx(deps.db.app, orgId, async (c) => {
        const revoked = await revokePortalSession(c, orgId, req.params.id, deps.clock.now());
        if (revoked)
          await recordAudit(c, orgId, {
            ...byRequest(req),
            action: 'portal_session.revoke',
            target: { type: 'portal_session', id: revoked.id },
          });
        return revoked;
      });
      if (!row) throw plexusError('not_found', { message: 'No such portal session.' });
      return formatSession(row);
    },
  );

  app.get(
    '/portal-session',
    {
      schema: {
        tags: ['portal'],
        summary:
          'The portal session of the request (cookie-authenticated): its org, branding, mode, sections and the CSRF token its writes carry',
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
          ...authErrors,
        },
      },
    },
    async (req) => {
      const orgId = orgOf(req);
      const portal = req.auth?.portal;
      if (!portal)
        throw plexusError('forbidden', {
          message: 'Only a portal session has a portal session; an API key opens one with POST /v1/portal-sessions.',
        });
      return withOrgTx(deps.db.app, orgId, async (c) => {
        const s = await portalSessionWithOrg(c, orgId, portal.sessionId);
        if (!s?.expires_at) throw plexusError('portal_session_invalid');
        const settings = await getPortalSettings(c, orgId);
        return {
          id: portal.sessionId,
          org_id: orgId,
          mode: s.mode,
          sections: s.sections as (typeof PORTAL_SECTIONS)[number][],
          expires_at: s.expires_at,
          csrf_token: csrfTokenOf(portal.token),
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
    {
      schema: {
        tags: ['portal'],
        summary: 'The org portal’s settings: who may frame it, its name, logo and colour',
        response: { 200: settingsSchema, ...authErrors },
      },
    },
    async (req) => {
      const orgId = orgOf(req);
      return withOrgTx(deps.db.app, orgId, (c) => getPortalSettings(c, orgId));
    },
  );

  app.patch(
    '/org/portal',
    {
      schema: {
        tags: ['portal'],
        summary:
          'Change the org portal’s settings: the origins allowed to frame it (CSP frame-ancestors), its display name, logo URL and accent colour',
        body: settingsChange,
        response: { 200: settingsSchema, ...authErrors },
      },
    },
    async (req) => {
      const orgId = orgOf(req);
      const change = req.body;
      return withOrgTx(deps.db.app, orgId, async (c) => {
        const next = await updatePortalSettings(
          c,
          orgId,
          Object.fromEntries(Object.entries(change).filter(([, v]) => v !== undefined)),
        );
        await recordAudit(c, orgId, {
          ...byRequest(req),
          action: 'org.portal.update',
          target: { type: 'org', id: orgId },
          details: { fields: Object.keys(change) },
        });
        return next;
      });
    },
  );
};

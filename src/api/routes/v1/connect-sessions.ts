import { z } from 'zod';
import { plexusError } from '../../../core/errors.ts';
import {
  createSession,
  getSession,
  offeredProviders,
  sessionStatus,
  type SessionRow,
} from '../../../connections/sessions.ts';
import { getConnection } from '../../../connections/repo.ts';
import { PROVIDER_IDS, type ProviderId } from '../../../providers/registry.ts';
import { orgRoutePlugin } from '../../org-routes.ts';
import { errorSchema } from '../../schemas.ts';
import { connectSessionStatus } from '../../openapi/components.ts';

const sessionSchema = z.object({
  id: z.string(),
  provider: z
    .string()
    .nullable()
    .describe('the platform connected (or picked so far); null while the person has not picked one of several'),
  providers: z.array(z.string()).describe('the platforms the connect page offers'),
  web_origin: z.string().nullable().describe('the origin told the outcome when the connect page runs in a popup'),
  status: connectSessionStatus,
  scopes: z.array(z.string()),
  end_user_ref: z.string().nullable(),
  return_url: z.string().nullable(),
  connection_id: z.string().nullable(),
  error: z.object({ code: z.string(), message: z.string() }).nullable(),
  expires_at: z.date(),
  created_at: z.date(),
});

/** `scheme://host[:port]` and nothing more: what postMessage compares with the receiver's origin. */
function isOrigin(o: string): boolean {
  try {
    const u = new URL(o);
    return (u.protocol === 'https:' || u.protocol === 'http:') && u.origin === o;
  } catch {
    return false;
  }
}

const format = (s: SessionRow, now: Date) => ({
  id: s.id,
  provider: s.provider,
  providers: s.providers,
  web_origin: s.web_origin,
  status: sessionStatus(s, now),
  scopes: s.scopes,
  end_user_ref: s.end_user_ref,
  return_url: s.return_url,
  connection_id: s.connection_id,
  error: s.error_code ? { code: s.error_code, message: s.error_message ?? '' } : null,
  expires_at: s.expires_at,
  created_at: s.created_at,
});

export const connectSessionRoutes = orgRoutePlugin('connections', async (app, { deps, org, schema }) => {
  app.post(
    '/connect-sessions',
    schema.route('Start connecting a platform; returns the URL of the connect page to send the end user to', {
      body: z
        .object({
          provider: z.enum(PROVIDER_IDS).optional().describe('the one platform to connect'),
          providers: z
            .array(z.enum(PROVIDER_IDS))
            .min(1)
            .max(PROVIDER_IDS.length)
            .optional()
            .describe(
              'platforms for the person to pick from; with neither this nor `provider`, every platform this Plexus can connect',
            ),
          web_origin: z
            .string()
            .max(300)
            .refine((o) => isOrigin(o), 'must be an origin such as https://app.example.com')
            .optional()
            .describe(
              'the origin of your page that opens the connect URL in a popup (`openConnect`); the outcome is posted to it, and the session then does not redirect to `return_url`',
            ),
          scopes: z.array(z.string().min(1).max(200)).max(50).optional(),
          end_user_ref: z.string().min(1).max(200).optional(),
          return_url: z
            .string()
            .url()
            .refine((u) => /^https?:\/\//.test(u), 'must be http(s)')
            .optional(),
          connection_id: z.string().uuid().optional(),
        })
        .refine((b) => !(b.provider && b.providers), {
          message: 'give provider or providers, not both',
          path: ['providers'],
        }),
      response: { 201: sessionSchema.extend({ url: z.string() }), 409: errorSchema },
    }),
    async (req, reply) => {
      const b = req.body;
      const { row, token } = await org.tx(req, async (c, orgId, audit) => {
        const existing = b.connection_id ? await getConnection(c, orgId, b.connection_id) : undefined;
        if (b.connection_id && !existing)
          throw plexusError('not_found', { message: 'No such connection to reconnect.' });
        const named = b.provider ? [b.provider] : b.providers ? [...new Set(b.providers)] : undefined;
        // A reconnect offers the connection's own platform and no other.
        if (existing && named && (named.length !== 1 || named[0] !== existing.provider)) {
          throw plexusError('validation_failed', {
            message: `A reconnect connects the connection's own platform (${existing.provider}).`,
            details: [{ path: b.provider ? 'provider' : 'providers', message: 'not the platform of connection_id' }],
          });
        }
        const offered = existing ? [existing.provider as ProviderId] : (named ?? offeredProviders(deps.providers.apps));
        const created = await createSession(
          c,
          orgId,
          {
            providers: offered,
            scopes: b.scopes ?? [],
            endUserRef: b.end_user_ref,
            returnUrl: b.return_url,
            webOrigin: b.web_origin,
            connectionId: b.connection_id,
          },
          deps.clock.now(),
        );
        await audit(
          'connect_session.create',
          { type: 'connect_session', id: created.row.id },
          { provider: created.row.provider, providers: offered, reconnect: b.connection_id ?? null },
        );
        return created;
      });
      return reply.status(201).send({ ...format(row, deps.clock.now()), url: `${deps.publicUrl()}/connect/${token}` });
    },
  );

  app.get(
    '/connect-sessions/:id',
    schema.byId('A connect session: its status, error or connection', sessionSchema),
    async (req) => format(await org.one(req, getSession, 'No such connect session.'), deps.clock.now()),
  );
});

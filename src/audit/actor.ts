import type { FastifyRequest } from 'fastify';
import { plexusError } from '../core/errors.ts';
import type { Actor, AuditEntry } from './record.ts';

/** The API key behind an authenticated request. */
export function actorOf(req: FastifyRequest): Actor {
  if (!req.auth) throw plexusError('missing_api_key');
  if (req.auth.portal) return { type: 'portal_user', id: req.auth.portal.sessionId };
  return { type: 'api_key', id: req.auth.keyId ?? 'unknown' };
}

/** Actor and request id of a request, the part of an audit entry every route shares. */
export function byRequest(req: FastifyRequest): Pick<AuditEntry, 'actor' | 'requestId'> {
  return { actor: actorOf(req), requestId: req.id };
}

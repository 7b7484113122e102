import type { PlexusError } from '../../../core/errors.ts';
import type { CredentialField } from '../../../providers/types.ts';
import type { RegisteredDefinition } from '../../../providers/registry.ts';
import { strings } from './strings.ts';
import type { FormProblem } from './views.ts';

const fieldsOf = (def: RegisteredDefinition): CredentialField[] => [
  ...(def.connectionConfig ?? []),
  ...(def.auth.kind === 'oauth2' || def.auth.kind === 'oauth1a' ? [] : def.auth.fields),
];

/** Codes after which the person can fix the form and send it again (the others end the session). */
export const UNREACHABLE_CODES = new Set(['provider.unavailable', 'provider.timeout']);

/**
 * A refused submission as the person should read it: what happened and what to do, with
 * each faulty field named. The platform's own words follow as details where there are any.
 */
export function problemFor(err: PlexusError, def: RegisteredDefinition): FormProblem {
  const details = Array.isArray(err.details) ? (err.details as { path?: string; message?: string }[]) : [];
  const fields: Record<string, string> = {};
  for (const d of details) {
    const f = fieldsOf(def).find((x) => x.name === d.path);
    if (!f) continue;
    fields[f.name] =
      d.message === 'required'
        ? strings.fieldRequired(f.label)
        : d.message === 'ssrf_blocked' || f.isUrl
          ? strings.notPublic
          : strings.fieldInvalid(f.label);
  }
  if (Object.keys(fields).length)
    return { message: strings.errorHeading, help: Object.values(fields).join(' '), fields };
  if (err.code === 'credentials_invalid') {
    return {
      message: def.credentialHelp ?? strings.credentialsRefused(def.displayName),
      help: strings.platformSaid(err.message),
    };
  }
  if (UNREACHABLE_CODES.has(err.code)) return { message: strings.unreachable(def.displayName) };
  return { message: err.message };
}

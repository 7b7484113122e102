/**
 * The mutate services (`customers/{cid}/{campaigns|campaignBudgets|adGroups|adGroupAds}:mutate`):
 * `{operations, partialFailure, validateOnly}` → `{results:[{resourceName}]}`. Every operation is
 * checked before any is applied, so a failing request changes nothing unless `partialFailure`
 * is set, in which case the good operations apply, failed ones get an empty result and the
 * errors come back in `partialFailureError` with HTTP 200 (ads.md §2.3, §2.8). Results are
 * always RESOURCE_NAME_ONLY.
 */
import { json, type Router, type SandboxRequest, type SandboxResponse } from '../../../sandbox/kit/server.ts';
import { authenticate, resolveCustomer } from './api.ts';
import type { GoogleContext } from './context.ts';
import { adsError, requestId, type AdsErrorDetail } from './errors.ts';
import { adGroupAdService, adGroupService } from './mutate-ad-groups.ts';
import { budgetService } from './mutate-budgets.ts';
import { campaignService } from './mutate-campaigns.ts';
import {
  BadRequest,
  fail,
  maskPaths,
  type At,
  type Checked,
  type MutateService,
  type Obj,
  type OpKind,
} from './mutate-kit.ts';

const SERVICES: Record<string, MutateService> = {
  campaigns: campaignService,
  campaignBudgets: budgetService,
  adGroups: adGroupService,
  adGroupAds: adGroupAdService,
};
const REQUEST_FIELDS = ['operations', 'partialFailure', 'validateOnly', 'responseContentType'];
const OP_FIELDS = ['create', 'update', 'remove', 'updateMask'];

/** A request the REST transcoder refuses before the service sees it (google.rpc.BadRequest). */
function badRequest(field: string, description: string): SandboxResponse {
  return json(400, {
    error: {
      code: 400,
      message: description,
      status: 'INVALID_ARGUMENT',
      details: [{ '@type': 'type.googleapis.com/google.rpc.BadRequest', fieldViolations: [{ field, description }] }],
    },
  });
}

function pathOf(e: AdsErrorDetail): string {
  const parts = ((e.location?.['fieldPathElements'] ?? []) as { fieldName: string; index?: number }[]).map((p) =>
    p.index === undefined ? p.fieldName : `${p.fieldName}[${p.index}]`,
  );
  return parts.join('.');
}

function checkOperation(
  ctx: GoogleContext,
  svc: MutateService,
  customerId: string,
  op: unknown,
  index: number,
): Checked {
  if (!op || typeof op !== 'object' || Array.isArray(op))
    throw new BadRequest(`operations[${index}]`, `Invalid value at 'operations[${index}]': expected an object.`);
  const o = op as Obj;
  for (const k of Object.keys(o)) {
    if (!OP_FIELDS.includes(k))
      throw new BadRequest(
        `operations[${index}]`,
        `Invalid JSON payload received. Unknown name "${k}" at 'operations[${index}]': Cannot find field.`,
      );
  }
  const kinds = (['create', 'update', 'remove'] as const).filter((k) => o[k] !== undefined);
  const kind: OpKind = kinds[0] ?? 'create';
  const at: At = { index, kind };
  if (kinds.length !== 1) {
    return {
      ok: false,
      errors: [
        {
          errorCode: { fieldError: 'REQUIRED' },
          message: 'The required field was not present.',
          location: { fieldPathElements: [{ fieldName: 'operations', index }, { fieldName: 'operation' }] },
        },
      ],
    };
  }
  const world = ctx.world;
  const now = ctx.now();
  if (kind === 'remove') {
    if (typeof o['remove'] !== 'string')
      throw new BadRequest(
        `operations[${index}].remove`,
        `Invalid value at 'operations[${index}].remove' (TYPE_STRING), ${JSON.stringify(o['remove'])}`,
      );
    return svc.remove
      ? svc.remove(world, customerId, o['remove'], at, now)
      : fail(at, 'mutateError', 'MUTATE_NOT_ALLOWED', 'Mutates are not allowed for the requested resource.');
  }
  const body = o[kind];
  if (!body || typeof body !== 'object' || Array.isArray(body))
    throw new BadRequest(
      `operations[${index}].${kind}`,
      `Invalid value at 'operations[${index}].${kind}': expected an object.`,
    );
  if (kind === 'create') {
    if (o['updateMask'] !== undefined)
      return fail(
        at,
        'fieldMaskError',
        'FIELD_MASK_NOT_ALLOWED',
        'The field mask must be empty for create and remove operations.',
      );
    return svc.create
      ? svc.create(world, customerId, body as Obj, at, now)
      : fail(at, 'mutateError', 'MUTATE_NOT_ALLOWED', 'Mutates are not allowed for the requested resource.');
  }
  const mask = maskPaths(o['updateMask']);
  if (!mask) return fail(at, 'fieldMaskError', 'FIELD_MASK_MISSING', 'The field mask must be present for an update.');
  return svc.update
    ? svc.update(world, customerId, body as Obj, mask, at, now)
    : fail(at, 'mutateError', 'MUTATE_NOT_ALLOWED', 'Mutates are not allowed for the requested resource.');
}

function mutate(ctx: GoogleContext, req: SandboxRequest, svc: MutateService): SandboxResponse {
  const auth = authenticate(ctx, req);
  if (!auth.ok) return auth.res;
  const { version } = auth;
  if (req.bodyError) return adsError(version, 'INVALID_ARGUMENT', [], { message: 'Invalid JSON payload received.' });
  const cust = resolveCustomer(ctx, req, version);
  if (!cust.ok) return cust.res;
  const unknown = Object.keys(req.body).find((k) => !REQUEST_FIELDS.includes(k));
  if (unknown) return badRequest('', `Invalid JSON payload received. Unknown name "${unknown}": Cannot find field.`);
  const ops = req.body['operations'];
  if (!Array.isArray(ops) || ops.length === 0) {
    return adsError(version, 'INVALID_ARGUMENT', [
      {
        errorCode: { fieldError: 'REQUIRED_NONEMPTY_LIST' },
        message: 'The list must not be empty.',
        location: { fieldPathElements: [{ fieldName: 'operations' }] },
      },
    ]);
  }
  let checked: Checked[];
  try {
    checked = ops.map((op, i) => checkOperation(ctx, svc, cust.customer.id, op, i));
  } catch (err) {
    if (err instanceof BadRequest) return badRequest(err.field, err.message);
    throw err;
  }
  const errors = checked.flatMap((c) => (c.ok ? [] : c.errors));
  const partial = req.body['partialFailure'] === true;
  if (errors.length && !partial) return adsError(version, 'INVALID_ARGUMENT', errors);
  if (req.body['validateOnly'] === true) return json(200, {});
  const results = checked.map((c) => (c.ok ? { resourceName: c.apply() } : {}));
  const body: Record<string, unknown> = { results };
  const first = errors[0];
  if (first) {
    const firstText = `${first.message}, at ${pathOf(first)}`;
    body['partialFailureError'] = {
      code: 3,
      message: errors.length === 1 ? firstText : `Multiple errors in ‘details’. First error: ${firstText}`,
      details: [
        {
          '@type': `type.googleapis.com/google.ads.googleads.${version}.errors.GoogleAdsFailure`,
          errors,
          requestId: requestId(),
        },
      ],
    };
  }
  return json(200, body);
}

export function mutateRoutes(r: Router, ctx: GoogleContext): void {
  for (const [path, svc] of Object.entries(SERVICES))
    r.add('POST', `/:version/customers/:cid/${path}:mutate`, (req) => mutate(ctx, req, svc));
}

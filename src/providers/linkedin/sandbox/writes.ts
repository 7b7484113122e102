/**
 * Marketing API writes (ads.md §4.3): create a campaign group (201, empty body, the new id in
 * `x-restli-id` and `x-linkedin-id`); partial updates of campaign groups, campaigns and creatives
 * (`POST …/{id}` with `X-RestLi-Method: PARTIAL_UPDATE` and `{"patch":{"$set":{…},"$delete":[…]}}`,
 * 204); DELETE of a campaign group, which only drafts allow. Writes need the rw_ads scope and a
 * role above VIEWER on the account. Of campaigns and creatives only the name and status change
 * here; other fields are refused as not simulated.
 */
import { header, type Router, type SandboxRequest, type SandboxResponse } from '../../../sandbox/kit/server.ts';
import { precheck } from './api.ts';
import type { LinkedInContext } from './context.ts';
import { apiError } from './errors.ts';
import { checkGroup, inputError, validationFailed, type InputError } from './group-rules.ts';
import { GONE, refreshServing, removeTree, touch } from './lifecycle.ts';
import type { AdAccount, CampaignGroup, LinkedInWorld } from './world.ts';

type Obj = Record<string, unknown>;
type Writable = { ok: true; account: AdAccount } | { ok: false; res: SandboxResponse };

const GROUP_FIELDS = [
  'account',
  'name',
  'status',
  'runSchedule',
  'totalBudget',
  'dailyBudget',
  'budgetOptimization',
  'objectiveType',
  'test',
];
const SETTABLE_STATUSES = ['ACTIVE', 'PAUSED', 'ARCHIVED', 'CANCELED', 'PENDING_DELETION'];

function writable(ctx: LinkedInContext, req: SandboxRequest, resource: string): Writable {
  const pre = precheck(ctx, req, resource);
  if (!pre.ok) return pre;
  const denied = (why: string) => ({
    ok: false as const,
    res: apiError(403, 'ACCESS_DENIED', `Not enough permissions to access: ${resource}.${req.method}: ${why}`, 100),
  });
  if (!pre.record.scopes.includes('rw_ads')) return denied('the token lacks rw_ads');
  const account = ctx.world.accounts.find((a) => String(a.id) === req.params['id']);
  if (!account) return denied('not a member of this ad account');
  if (account.role === 'VIEWER') return denied('the VIEWER role is read-only');
  return { ok: true, account };
}

type Patch = { ok: true; apply(target: Obj): Obj; fields: string[] } | { ok: false; res: SandboxResponse };

/** A Rest.li partial update: top-level `$set` / `$delete`, or the same one level down (`{"runSchedule":{"$set":{…}}}`). */
function readPatch(req: SandboxRequest): Patch {
  if ((header(req, 'x-restli-method') ?? '').toUpperCase() !== 'PARTIAL_UPDATE') {
    return {
      ok: false,
      res: apiError(
        400,
        'ILLEGAL_ARGUMENT',
        'A POST on an entity must be a partial update: send X-RestLi-Method: PARTIAL_UPDATE',
      ),
    };
  }
  const patch = req.body['patch'];
  if (req.bodyError || !patch || typeof patch !== 'object' || Array.isArray(patch))
    return { ok: false, res: apiError(400, 'ILLEGAL_ARGUMENT', 'The body must be {"patch":{"$set":{...}}}') };
  const level = (p: Obj): { set: Obj; del: string[] } | undefined => {
    const set = p['$set'] ?? {};
    const del = p['$delete'] ?? [];
    if (typeof set !== 'object' || Array.isArray(set) || !Array.isArray(del) || del.some((d) => typeof d !== 'string'))
      return undefined;
    return { set: set as Obj, del: del as string[] };
  };
  const top = level(patch as Obj);
  const nested = Object.entries(patch as Obj).filter(([k]) => !k.startsWith('$'));
  const inner = nested.map(
    ([k, v]) => [k, v && typeof v === 'object' && !Array.isArray(v) ? level(v as Obj) : undefined] as const,
  );
  if (!top || inner.some(([, v]) => !v))
    return {
      ok: false,
      res: apiError(
        400,
        'ILLEGAL_ARGUMENT',
        'Malformed patch: expected $set (a record) and $delete (a list of field names)',
      ),
    };
  return {
    ok: true,
    fields: [...Object.keys(top.set), ...top.del, ...nested.map(([k]) => k)],
    apply(target) {
      const out: Obj = structuredClone(target);
      Object.assign(out, structuredClone(top.set));
      for (const d of top.del) delete out[d];
      for (const [k, v] of inner) {
        const sub: Obj = { ...((out[k] as Obj | undefined) ?? {}), ...structuredClone(v?.set ?? {}) };
        for (const d of v?.del ?? []) delete sub[d];
        out[k] = sub;
      }
      return out;
    },
  };
}

function nextId(w: LinkedInWorld): number {
  return Math.max(0, ...w.groups.map((g) => g.id), ...w.campaigns.map((c) => c.id)) + 1;
}

/** The status rules campaigns and creatives share: no way back to DRAFT, nothing once being deleted. */
function statusProblem(field: string, current: string, next: unknown): InputError | undefined {
  if (next === current) return undefined;
  if (typeof next !== 'string' || !SETTABLE_STATUSES.includes(next))
    return inputError(field, 'INVALID_VALUE', `${field} must be one of ${SETTABLE_STATUSES.join(', ')}`);
  return undefined;
}

/** Name and status updates of an existing campaign or creative. */
function updateChild(
  ctx: LinkedInContext,
  req: SandboxRequest,
  resource: 'adCampaigns' | 'creatives',
): SandboxResponse {
  const w = writable(ctx, req, resource);
  if (!w.ok) return w.res;
  const patch = readPatch(req);
  if (!patch.ok) return patch.res;
  const urn = `urn:li:sponsoredAccount:${w.account.id}`;
  const key = decodeURIComponent(req.params['entityId'] ?? '');
  const target = (resource === 'adCampaigns'
    ? ctx.world.campaigns.find((c) => c.account === urn && String(c.id) === key)
    : ctx.world.creatives.find((c) => c.account === urn && c.id === key)) as unknown as Obj | undefined;
  if (!target) return apiError(404, 'NOT_FOUND', `${resource} ${key} does not exist`);
  const statusField = resource === 'adCampaigns' ? 'status' : 'intendedStatus';
  const current = String(target[statusField]);
  if (GONE.has(current))
    return validationFailed([
      inputError(
        statusField,
        'INVALID_VALUE',
        `The ${resource === 'adCampaigns' ? 'campaign' : 'creative'} is being deleted and can no longer be updated`,
      ),
    ]);
  const errors: InputError[] = patch.fields
    .filter((f) => f !== 'name' && f !== statusField)
    .map((f) => inputError(f, 'INVALID_VALUE', `${f} cannot be updated in the sandbox (only name and ${statusField})`));
  const next = patch.apply(target);
  const bad = statusProblem(statusField, current, next[statusField]);
  if (bad) errors.push(bad);
  if (typeof next['name'] !== 'string' || !next['name'].trim())
    errors.push(inputError('name', 'INVALID_VALUE', 'name can not be empty'));
  if (errors.length) return validationFailed(errors);
  target['name'] = next['name'];
  target[statusField] = next[statusField];
  touch(target, ctx.now());
  if (next[statusField] === 'PENDING_DELETION') removeTree(ctx.world, target, 'PENDING_DELETION', ctx.now());
  refreshServing(ctx.world);
  return { status: 204, headers: {}, body: undefined };
}

export function writeRoutes(r: Router, ctx: LinkedInContext): void {
  r.add('POST', '/rest/adAccounts/:id/adCampaignGroups', (req) => {
    const w = writable(ctx, req, 'adCampaignGroups');
    if (!w.ok) return w.res;
    const method = header(req, 'x-restli-method');
    if (method !== undefined && method.toUpperCase() !== 'CREATE')
      return apiError(400, 'ILLEGAL_ARGUMENT', `Unsupported method ${method} on a collection`);
    if (req.bodyError) return apiError(400, 'ILLEGAL_ARGUMENT', 'The request body is not valid JSON');
    const body = req.body;
    const urn = `urn:li:sponsoredAccount:${w.account.id}`;
    const errors: InputError[] = Object.keys(body)
      .filter((k) => !GROUP_FIELDS.includes(k))
      .map((k) => inputError(k, 'INVALID_VALUE', `${k} is not a field that can be set on a campaign group`));
    if (body['account'] !== urn)
      errors.push(inputError('account', 'INVALID_VALUE', `account must be ${urn}, the ad account in the path`));
    const draft: Obj = { status: 'ACTIVE', test: false, ...body };
    errors.push(...checkGroup(draft, w.account.currency));
    if (errors.length) return validationFailed(errors);
    const now = ctx.now();
    const group = {
      ...draft,
      id: nextId(ctx.world),
      servingStatuses: draft['status'] === 'ACTIVE' ? ['RUNNABLE'] : ['CAMPAIGN_GROUP_STATUS_HOLD'],
      changeAuditStamps: { created: { time: now }, lastModified: { time: now } },
    } as unknown as CampaignGroup;
    ctx.world.groups.push(group);
    const id = String(group.id);
    return {
      status: 201,
      headers: {
        'x-restli-id': id,
        'x-linkedin-id': id,
        location: `/rest/adAccounts/${w.account.id}/adCampaignGroups/${id}`,
      },
      body: undefined,
    };
  });

  r.add('POST', '/rest/adAccounts/:id/adCampaignGroups/:entityId', (req) => {
    const w = writable(ctx, req, 'adCampaignGroups');
    if (!w.ok) return w.res;
    const patch = readPatch(req);
    if (!patch.ok) return patch.res;
    const urn = `urn:li:sponsoredAccount:${w.account.id}`;
    const group = ctx.world.groups.find((g) => g.account === urn && String(g.id) === req.params['entityId']);
    if (!group) return apiError(404, 'NOT_FOUND', `adCampaignGroups ${req.params['entityId'] ?? ''} does not exist`);
    if (GONE.has(group.status))
      return validationFailed([
        inputError('status', 'INVALID_VALUE', 'The campaign group is being deleted and can no longer be updated'),
      ]);
    const readOnly = patch.fields.filter((f) => !GROUP_FIELDS.includes(f) || f === 'account');
    if (readOnly.length)
      return validationFailed(readOnly.map((f) => inputError(f, 'INVALID_VALUE', `${f} cannot be updated`)));
    const next = patch.apply(group as unknown as Obj);
    const errors = checkGroup(next, w.account.currency, group);
    if (errors.length) return validationFailed(errors);
    const target = group as unknown as Obj;
    for (const k of Object.keys(target)) if (!(k in next)) delete target[k];
    Object.assign(target, next);
    group.servingStatuses = group.status === 'ACTIVE' ? ['RUNNABLE'] : ['CAMPAIGN_GROUP_STATUS_HOLD'];
    touch(target, ctx.now());
    if (group.status === 'PENDING_DELETION') removeTree(ctx.world, target, 'PENDING_DELETION', ctx.now());
    return { status: 204, headers: {}, body: undefined };
  });

  r.add('DELETE', '/rest/adAccounts/:id/adCampaignGroups/:entityId', (req) => {
    const w = writable(ctx, req, 'adCampaignGroups');
    if (!w.ok) return w.res;
    const world = ctx.world;
    const group = world.groups.find(
      (g) => g.account === `urn:li:sponsoredAccount:${w.account.id}` && String(g.id) === req.params['entityId'],
    );
    if (!group) return apiError(404, 'NOT_FOUND', `adCampaignGroups ${req.params['entityId'] ?? ''} does not exist`);
    if (group.status !== 'DRAFT')
      return apiError(
        400,
        'DELETE_ALLOWED_ONLY_FOR_DRAFT_STATUS',
        'Only campaign groups in DRAFT status can be deleted; set the status to PENDING_DELETION instead.',
      );
    // A deleted draft is gone for good: it and everything under it can no longer be read.
    const groupUrn = `urn:li:sponsoredCampaignGroup:${group.id}`;
    const campaignUrns = new Set(
      world.campaigns.filter((c) => c.campaignGroup === groupUrn).map((c) => `urn:li:sponsoredCampaign:${c.id}`),
    );
    world.groups = world.groups.filter((g) => g !== group);
    world.campaigns = world.campaigns.filter((c) => c.campaignGroup !== groupUrn);
    world.creatives = world.creatives.filter((c) => !campaignUrns.has(c.campaign));
    return { status: 204, headers: {}, body: undefined };
  });

  r.add('POST', '/rest/adAccounts/:id/adCampaigns/:entityId', (req) => updateChild(ctx, req, 'adCampaigns'));
  r.add('POST', '/rest/adAccounts/:id/creatives/:entityId', (req) => updateChild(ctx, req, 'creatives'));
}

/**
 * Graph read parameters for object edges: `fields` (validated against the node type, like
 * Graph does), `effective_status` and `filtering` (the subset sync code uses).
 */
import type { SandboxResponse } from '../../../sandbox/kit/server.ts';
import { jsonParam, str, type Params } from './context.ts';
import { invalidParam } from './errors.ts';
import { DEFAULT_FIELDS, FIELDS, NODE_TYPE, type Entity, type Kind, type MetaWorld } from './world.ts';

/** Field names, without nested `{…}` selections or `.limit()` modifiers (not simulated). */
export function readFields(
  p: Params,
  kind: Kind,
  defaults: readonly string[] = DEFAULT_FIELDS[kind],
): string[] | SandboxResponse {
  const raw = str(p, 'fields');
  if (raw === undefined || raw.trim() === '') return [...defaults];
  const names = splitTopLevel(raw)
    .map((f) => f.replace(/[{.].*$/s, '').trim())
    .filter(Boolean);
  const allowed = FIELDS[kind];
  const bad = names.find((n) => !allowed.includes(n));
  if (bad) return invalidParam(`Tried accessing nonexisting field (${bad}) on node type (${NODE_TYPE[kind]})`);
  return names;
}

/** Splits on commas that are not inside `{…}` or `(…)`. */
function splitTopLevel(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of s) {
    if (ch === '{' || ch === '(') depth++;
    if (ch === '}' || ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out;
}

interface Filter {
  field: string;
  operator: string;
  value: unknown;
}

const OPERATORS = ['EQUAL', 'NOT_EQUAL', 'IN', 'NOT_IN', 'GREATER_THAN', 'LESS_THAN', 'CONTAIN', 'NOT_CONTAIN'];

/** Builds the predicate for an edge listing; DELETED and ARCHIVED are hidden unless asked for. */
export function readFilter(p: Params, world: MetaWorld): ((e: Entity) => boolean) | SandboxResponse {
  const filters: Filter[] = [];
  if (p['effective_status'] !== undefined) {
    const es = jsonParam(p, 'effective_status');
    if (!es.ok || !Array.isArray(es.value)) return invalidParam('param effective_status must be an array.');
    filters.push({ field: 'effective_status', operator: 'IN', value: es.value });
  }
  if (p['filtering'] !== undefined) {
    const f = jsonParam(p, 'filtering');
    if (!f.ok || !Array.isArray(f.value)) return invalidParam('param filtering must be an array.');
    for (const item of f.value as unknown[]) {
      const o = (item ?? {}) as Record<string, unknown>;
      if (typeof o['field'] !== 'string' || typeof o['operator'] !== 'string' || !OPERATORS.includes(o['operator'])) {
        return invalidParam('Filtering field must be an object with field, operator and value.');
      }
      filters.push({ field: o['field'], operator: o['operator'], value: o['value'] });
    }
  }
  const statusFiltered = filters.some((f) => f.field === 'effective_status' || f.field === 'status');
  return (e) => {
    if (!statusFiltered && ['DELETED', 'ARCHIVED'].includes(String(e.fields['status']))) return false;
    return filters.every((f) => test(f, valueOf(world, e, f.field)));
  };
}

function valueOf(world: MetaWorld, e: Entity, field: string): unknown {
  if (field === 'effective_status') return world.effectiveStatus(e);
  if (field === 'id') return e.id;
  if (field === 'campaign.id') return e.kind === 'campaign' ? e.id : e.fields['campaign_id'];
  if (field === 'adset.id') return e.kind === 'adset' ? e.id : e.fields['adset_id'];
  if (field === 'updated_time' || field === 'created_time')
    return Date.parse(String(e.fields[field]).replace(/([+-]\d{2})(\d{2})$/, '$1:$2')) / 1000;
  return e.fields[field.replace(/^(campaign|adset|ad)\./, '')];
}

function test(f: Filter, actual: unknown): boolean {
  const list = Array.isArray(f.value) ? f.value.map(String) : [String(f.value)];
  switch (f.operator) {
    case 'EQUAL':
      return String(actual) === String(f.value);
    case 'NOT_EQUAL':
      return String(actual) !== String(f.value);
    case 'IN':
      return list.includes(String(actual));
    case 'NOT_IN':
      return !list.includes(String(actual));
    case 'GREATER_THAN':
      return Number(actual) > Number(f.value);
    case 'LESS_THAN':
      return Number(actual) < Number(f.value);
    case 'CONTAIN':
      return String(actual).toLowerCase().includes(String(f.value).toLowerCase());
    default:
      return !String(actual).toLowerCase().includes(String(f.value).toLowerCase());
  }
}

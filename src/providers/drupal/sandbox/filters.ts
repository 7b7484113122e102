/**
 * JSON:API `filter` parameters as core's `Query\Filter` reads them: the shortcut
 * (`filter[field]=v`, `filter[field][value]=v&filter[field][operator]=>`), full conditions
 * (`filter[k][condition][path|operator|value|memberOf]`) and groups
 * (`filter[g][group][conjunction|memberOf]`), evaluated as a tree under an implicit AND root.
 * String comparisons ignore case, as entity queries do.
 */
import type { SandboxRequest } from '../../../sandbox/kit/server.ts';

export type FieldValue = string | number | boolean | null | undefined;
export type FieldGetter = (path: string) => FieldValue;
/** The paths an entity type answers to in `filter` and `sort`, aliases (`nid` for `drupal_internal__nid`) included. */
export type FieldTable<T> = Readonly<Record<string, (row: T) => FieldValue>>;

interface Cond {
  kind: 'condition';
  path: string;
  op: string;
  value: string[];
  memberOf: string;
}

interface Group {
  kind: 'group';
  conjunction: 'AND' | 'OR';
  memberOf: string;
}

export interface FilterTree {
  items: Map<string, Cond | Group>;
}

const ROOT = '@root';

/** Bracket segments after `filter`: `filter[a][b][]` → ['a', 'b', '']. */
function segments(key: string): string[] | undefined {
  if (!key.startsWith('filter[')) return undefined;
  const out: string[] = [];
  const re = /\[([^\]]*)\]/g;
  let m: RegExpExecArray | null;
  let end = 'filter'.length;
  while ((m = re.exec(key)) && m.index === end) {
    out.push(m[1]!);
    end = re.lastIndex;
  }
  return end === key.length && out.length ? out : undefined;
}

export function parseFilters(req: SandboxRequest): FilterTree {
  const raw = new Map<string, { cond: Record<string, string[]>; group: Record<string, string> }>();
  for (const [k, v] of req.url.searchParams) {
    const seg = segments(k);
    if (!seg) continue;
    const [key, ...rest] = seg as [string, ...string[]];
    const entry = raw.get(key) ?? { cond: {}, group: {} };
    raw.set(key, entry);
    if (rest.length === 0) entry.cond['value'] = [v];
    else if (rest[0] === 'group' && rest[1]) entry.group[rest[1]] = v;
    else {
      const prop = rest[0] === 'condition' ? rest[1] : rest[0];
      if (!prop) continue;
      const list = rest.length > (rest[0] === 'condition' ? 2 : 1);
      entry.cond[prop] = list ? [...(entry.cond[prop] ?? []), v] : [v];
    }
  }
  const items = new Map<string, Cond | Group>();
  for (const [key, e] of raw) {
    if (e.group['conjunction'] !== undefined) {
      items.set(key, {
        kind: 'group',
        conjunction: e.group['conjunction'].toUpperCase() === 'OR' ? 'OR' : 'AND',
        memberOf: e.group['memberOf'] ?? ROOT,
      });
    } else {
      items.set(key, {
        kind: 'condition',
        path: e.cond['path']?.[0] ?? key,
        op: (e.cond['operator']?.[0] ?? '=').toUpperCase(),
        value: e.cond['value'] ?? [],
        memberOf: e.cond['memberOf']?.[0] ?? ROOT,
      });
    }
  }
  return { items };
}

function comparable(v: string, sample: unknown): string | number {
  if (typeof sample === 'number') {
    // Timestamps compare against the stored integer; a date string is also accepted here.
    if (/^-?\d+$/.test(v)) return Number(v);
    if (v === 'true' || v === 'false') return v === 'true' ? 1 : 0;
    const t = Date.parse(v);
    return Number.isNaN(t) ? NaN : Math.floor(t / 1000);
  }
  return v.toLowerCase();
}

function holds(c: Cond, get: FieldGetter): boolean {
  const raw = get(c.path);
  const actual = raw === undefined || raw === null ? null : typeof raw === 'boolean' ? (raw ? 1 : 0) : raw;
  if (c.op === 'IS NULL') return actual === null;
  if (c.op === 'IS NOT NULL') return actual !== null;
  if (actual === null) return false;
  const a = typeof actual === 'string' ? actual.toLowerCase() : actual;
  const values = c.value.map((v) => comparable(v, actual));
  const v = values[0] ?? '';
  switch (c.op) {
    case '=':
      return a === v;
    case '<>':
      return a !== v;
    case '>':
      return a > v;
    case '>=':
      return a >= v;
    case '<':
      return a < v;
    case '<=':
      return a <= v;
    case 'IN':
      return values.includes(a);
    case 'NOT IN':
      return !values.includes(a);
    case 'BETWEEN':
      return a >= v && a <= (values[1] ?? v);
    case 'NOT BETWEEN':
      return !(a >= v && a <= (values[1] ?? v));
    case 'CONTAINS':
      return String(a).includes(String(v));
    case 'STARTS_WITH':
      return String(a).startsWith(String(v));
    case 'ENDS_WITH':
      return String(a).endsWith(String(v));
    default:
      return false;
  }
}

function evalGroup(tree: FilterTree, name: string, conjunction: 'AND' | 'OR', get: FieldGetter): boolean {
  const members = [...tree.items].filter(([, it]) => it.memberOf === name);
  if (!members.length) return true;
  const results = members.map(([key, it]) =>
    it.kind === 'group' ? evalGroup(tree, key, it.conjunction, get) : holds(it, get),
  );
  return conjunction === 'OR' ? results.some(Boolean) : results.every(Boolean);
}

export function matches(tree: FilterTree, get: FieldGetter): boolean {
  return evalGroup(tree, ROOT, 'AND', get);
}

/** The condition paths used, to refuse fields that cannot be filtered on. */
export function conditionPaths(tree: FilterTree): string[] {
  return [...tree.items.values()].flatMap((it) => (it.kind === 'condition' ? [it.path] : []));
}

/**
 * An entity query over `rows`: those the request's filter tree admits, ordered by `sort`
 * (comma-separated paths, `-` descending; unknown paths compare as empty), ties by `tiebreak`.
 */
export function query<T>(
  req: SandboxRequest,
  rows: readonly T[],
  fields: FieldTable<T>,
  tiebreak: (a: T, b: T) => number,
): T[] {
  const get = (row: T, path: string): FieldValue => (Object.hasOwn(fields, path) ? fields[path]!(row) : undefined);
  const tree = parseFilters(req);
  const sorts = (req.query['sort'] ?? '')
    .split(',')
    .filter(Boolean)
    .map((s) => ({ desc: s.startsWith('-'), path: s.replace(/^-/, '') }));
  return rows
    .filter((row) => matches(tree, (p) => get(row, p)))
    .sort((a, b) => {
      for (const s of sorts) {
        const va = get(a, s.path) ?? '';
        const vb = get(b, s.path) ?? '';
        if (va !== vb) return (va < vb ? -1 : 1) * (s.desc ? -1 : 1);
      }
      return tiebreak(a, b);
    });
}

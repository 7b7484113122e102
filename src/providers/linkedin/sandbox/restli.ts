/**
 * Rest.li 2.0 query values: `(key:value,…)` records, `List(a,b)` arrays and percent-encoded
 * leaves, read from the raw query string because URN colons inside leaves are only
 * distinguishable from record separators before decoding.
 */

export type RestliValue = string | RestliValue[] | { [key: string]: RestliValue };

export class RestliError extends Error {}

/** The raw (still percent-encoded) value of a query parameter. */
export function rawParam(search: string, name: string): string | undefined {
  for (const part of search.replace(/^\?/, '').split('&')) {
    const eq = part.indexOf('=');
    const key = eq < 0 ? part : part.slice(0, eq);
    if (decodeURIComponent(key) === name) return eq < 0 ? '' : part.slice(eq + 1);
  }
  return undefined;
}

export function parseRestli(raw: string): RestliValue {
  let i = 0;
  const leaf = (): string => {
    const start = i;
    while (i < raw.length && !'(),:'.includes(raw[i] ?? '')) i++;
    try {
      return decodeURIComponent(raw.slice(start, i).replace(/\+/g, '%20'));
    } catch {
      throw new RestliError(`bad escape in ${raw.slice(start, i)}`);
    }
  };
  const expect = (c: string): void => {
    if (raw[i] !== c) throw new RestliError(`expected '${c}' at ${i}`);
    i++;
  };
  const value = (): RestliValue => {
    if (raw.startsWith('List(', i)) {
      i += 5;
      const items: RestliValue[] = [];
      while (raw[i] !== ')') {
        items.push(value());
        if (raw[i] === ',') i++;
        else if (raw[i] !== ')') throw new RestliError(`expected ',' or ')' at ${i}`);
      }
      expect(')');
      return items;
    }
    if (raw[i] === '(') {
      i++;
      const obj: Record<string, RestliValue> = {};
      while (raw[i] !== ')') {
        const key = leaf();
        expect(':');
        obj[key] = value();
        if (raw[i] === ',') i++;
        else if (raw[i] !== ')') throw new RestliError(`expected ',' or ')' at ${i}`);
      }
      expect(')');
      return obj;
    }
    return leaf();
  };
  const v = value();
  if (i !== raw.length) throw new RestliError(`unexpected input at ${i}`);
  return v;
}

/** `(field:(values:List(a,b)))` → { field: [a, b] }; booleans like `test:true` come through as strings. */
export function searchFacets(v: RestliValue): Record<string, string[]> {
  if (typeof v !== 'object' || Array.isArray(v)) throw new RestliError('search must be a record');
  const out: Record<string, string[]> = {};
  for (const [k, facet] of Object.entries(v)) {
    if (typeof facet === 'string') out[k] = [facet];
    else if (!Array.isArray(facet) && Array.isArray(facet['values']))
      out[k] = facet['values'].map((x) => (typeof x === 'string' ? x : JSON.stringify(x)));
    else throw new RestliError(`facet ${k} must be (values:List(...))`);
  }
  return out;
}

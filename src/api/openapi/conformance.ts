import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import type { ValidateFunction } from 'ajv';
import type { OpenAPI } from 'openapi-types';
import { type Document, isHttpMethod, isRef, openApi31, operationOf } from './openapi31.ts';

/** Ajv over the whole document (as `openapi.json`), so schemas can be compiled by JSON pointer. */
export function documentAjv(doc: Document): Ajv2020 {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  (addFormats as unknown as (a: Ajv2020) => void)(ajv);
  ajv.addSchema(doc, 'openapi.json');
  return ajv;
}

/** `openapi.json#/a/b~1c`: a reference into the document added by `documentAjv`. */
export const documentRef = (...parts: string[]) => ({
  $ref: `openapi.json#/${parts.map((p) => p.replaceAll('~', '~0').replaceAll('/', '~1')).join('/')}`,
});

/**
 * Checks real answers against the document the app serves: the status must be declared for
 * the operation (or its `default`), and a JSON body must match the declared schema. Used by
 * the test helper on every response, so the whole e2e suite checks the document's truth.
 */
export function responseChecker(
  document: () => OpenAPI.Document,
): (a: {
  method: string;
  url: string | undefined;
  status: number;
  contentType: string;
  body: string;
}) => string | undefined {
  let doc: Document | undefined;
  let ajv: Ajv2020 | undefined;
  const compiled = new Map<string, ValidateFunction | null>();
  return ({ method, url, status, contentType, body }) => {
    if (!url) return undefined;
    if (!doc) {
      doc = openApi31(document());
      ajv = documentAjv(doc);
    }
    const path = url.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
    const lower = method.toLowerCase();
    const op = isHttpMethod(lower) ? operationOf(doc.paths?.[path], lower) : undefined;
    if (!op) return undefined; // not in the document (hidden routes: /healthz, /metrics, /openapi.json, /docs)
    const responses = op.responses ?? {};
    const code = String(status);
    const declared = responses[code]
      ? code
      : responses[`${code[0]}XX`]
        ? `${code[0]}XX`
        : responses.default
          ? 'default'
          : undefined;
    if (!declared) return `${method} ${url} answered ${status}, which the document does not declare`;
    const answer = responses[declared];
    const media = answer && !isRef(answer) ? answer.content : undefined;
    if (!media || !contentType.startsWith('application/json')) return undefined;
    const key = `${method} ${path} ${declared}`;
    if (!compiled.has(key)) {
      compiled.set(
        key,
        media['application/json']
          ? ajv!.compile(
              documentRef(
                'paths',
                path,
                method.toLowerCase(),
                'responses',
                declared,
                'content',
                'application/json',
                'schema',
              ),
            )
          : null,
      );
    }
    const validate = compiled.get(key);
    if (!validate) return `${method} ${url} answered JSON with ${status}, declared without a JSON body`;
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      return `${method} ${url} answered ${status} with a body that is not JSON`;
    }
    if (validate(parsed)) return undefined;
    return `${method} ${url} answered ${status} not matching its schema: ${ajv!.errorsText(validate.errors)}`;
  };
}

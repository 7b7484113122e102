import type { z } from 'zod';
import { pageQuery, pageSchema } from './pagination.ts';
import { idParams } from './schemas.ts';

/** What a route's schema holds besides its tag, summary and the errors of its group. */
interface RouteParts {
  params?: z.ZodType;
  querystring?: z.ZodType;
  body?: z.ZodType;
  response: Record<number, unknown>;
}

/**
 * The schemas of a group of routes for the OpenAPI document: the group's tag and the errors
 * each of its routes can answer are said once; a route adds its summary, input and answers.
 */
export function routeGroup<E extends Record<number, z.ZodType>>(tag: string, errors: E) {
  const route = <P extends RouteParts>(summary: string, parts: P) => ({
    schema: { tags: [tag], summary, ...parts, response: { ...parts.response, ...errors } },
  });
  /** A route about one thing, named by the id in its path. */
  const onId = <R extends RouteParts['response']>(summary: string, response: R) =>
    route(summary, { params: idParams, response });
  return {
    route,
    onId,
    /** One thing by its id. */
    byId: <T extends z.ZodType>(summary: string, item: T) => onId(summary, { 200: item }),
    /** A page of things (see `pageQuery`), narrowed by the `filters` of the query. */
    list: <T extends z.ZodType, F extends z.ZodRawShape = Record<never, never>>(
      summary: string,
      item: T,
      filters?: F,
    ) => route(summary, { querystring: pageQuery.extend(filters ?? ({} as F)), response: { 200: pageSchema(item) } }),
  };
}

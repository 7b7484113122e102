import { z } from 'zod';

export { errorSchema } from './openapi/components.ts';
import { errorSchema } from './openapi/components.ts';

export const idParams = z.object({ id: z.string().uuid() });

/** Standard error responses every authenticated route can give, for the OpenAPI document. */
export const authErrors = { 400: errorSchema, 401: errorSchema, 404: errorSchema, 429: errorSchema } as const;

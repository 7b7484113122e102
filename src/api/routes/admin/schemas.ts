import { routeGroup } from '../../route-schema.ts';
import { errorSchema } from '../../schemas.ts';

/** What an admin route may answer besides its success: bad input, no or a wrong token, nothing there. */
export const adminErrors = { 400: errorSchema, 401: errorSchema, 403: errorSchema, 404: errorSchema } as const;

/** The schemas of the admin routes: their tag and errors. */
export const adminSchema = routeGroup('admin', adminErrors);

import type { FastifyInstance } from 'fastify';
import scalar from '@scalar/fastify-api-reference';

/**
 * The API reference at /docs, rendered by Scalar from the document served at /openapi.json.
 * Everything it loads comes from Plexus itself (the renderer's script is served from the
 * package, and its default web fonts are off), so it works on a machine with no internet.
 */
export async function registerApiReference(app: FastifyInstance): Promise<void> {
  await app.register(scalar, {
    routePrefix: '/docs',
    configuration: {
      url: '/openapi.json',
      withDefaultFonts: false,
      hideClientButton: true,
      metaData: { title: 'Plexus API reference' },
    },
  });
}

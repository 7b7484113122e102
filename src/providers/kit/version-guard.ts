import { plexusError } from '../../core/errors.ts';

/**
 * The read-before-write guard of sites without conditional writes (Shopify, Webflow, Wix): the
 * item read right before the write must still be at the version the engine last read, else the
 * engine merges again. A missing item counts as changed. Returns the item read.
 */
export function unmoved<T>(current: T | null, versionOf: (item: T) => string, remoteId: string, expected: string): T {
  const found = current === null ? null : versionOf(current);
  if (current === null || found !== expected)
    throw plexusError('content.remote_changed', { details: { remoteId, expected, found } });
  return current;
}

/**
 * The same refusal where the adapter reports a missing item on its own (WordPress, Drupal,
 * Joomla): the details carry the version found and its modified time.
 */
export function remoteChanged(
  remoteId: string,
  expectedVersion: string,
  actualVersion: string,
  modifiedAt: string,
): Error {
  return plexusError('content.remote_changed', { details: { remoteId, expectedVersion, actualVersion, modifiedAt } });
}

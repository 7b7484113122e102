/**
 * Shopify's global ids (`gid://shopify/<Type>/<number>`), the one encoding of its entity ids.
 * A bare number (an id kept from the REST API, or a subscription made through it) is read as
 * the gid of its type.
 */
export function toGid(type: string, id: string): string {
  return id.startsWith('gid://') ? id : `gid://shopify/${type}/${id}`;
}

/** The number at the end of a gid (what search syntax filters such as `blog_id:` take). */
export function numericId(id: string): string {
  return id.slice(id.lastIndexOf('/') + 1);
}

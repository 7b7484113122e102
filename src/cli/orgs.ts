import { createOrg } from '../tenancy/orgs.ts';
import { openRuntime } from './runtime.ts';

/** `plexus orgs create <name>`: prints the org id and its first API key (shown once). */
export async function createOrgCommand(name: string): Promise<void> {
  const { db } = await openRuntime('plexus-orgs');
  try {
    const { org, apiKey } = await createOrg(db.owner, name);
    process.stdout.write(`${JSON.stringify({ id: org.id, name: org.name, api_key: apiKey })}\n`);
  } finally {
    await db.close();
  }
}

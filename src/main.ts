import { ConfigError } from './config/schema.ts';
import { MigrationError } from './db/migrate.ts';

const USAGE = `plexus <command>

  start                 API + worker in one process (embedded PostgreSQL unless DATABASE_URL is set)
  api                   the HTTP API only (run many side by side)
  worker                the job worker only (run many side by side)
  migrate               apply database migrations and exit
  keys rotate           re-wrap every secret under the primary master key
  orgs create <name>    create an organisation and print its first API key
  sandbox <provider|all> run platform simulators on loopback

Inspecting a running Plexus (--url or PLEXUS_URL; --json for scripts):
  orgs list | orgs show <id>           organisations (admin token: --admin-token or PLEXUS_ADMIN_TOKEN)
  connections list | show <id>         connections, with recent syncs and diagnostics (org key: --key or PLEXUS_API_KEY)
  syncs <connection-id>                sync runs with progress
  publishes [list] | publishes show <id>  publish batches with progress
  dead-letters [list] | dead-letters replay <id>
  deliveries <webhook-endpoint-id>     outbound webhook deliveries
  operations [list] [--connection <id>] [--provider <id>] [--type <type>] [--status <status>]
             [--since <time>] [--until <time>] [--search <text>] [--limit <n>]   the operations log
  operations show <id>                 one operation with its messages and platform calls
  audit [list] [--actor-type <t>] [--actor-id <id>] [--action <a|family.>] [--target-type <t>]
        [--target-id <id>] [--since <time>] [--until <time>] [--limit <n>]   the audit trail
  doctor                               configuration, database, migrations, workers, platform versions, platform reachability
  Exit codes: 0 ok, 1 refused or a check failed, 2 Plexus unreachable, 64 usage.
`;

async function inspect(argv: string[]): Promise<void> {
  process.exitCode = await (await import('./cli/inspect.ts')).inspectCommand(argv);
}

async function main(argv: string[]): Promise<void> {
  const [cmd, sub, ...rest] = argv;
  switch (cmd) {
    case undefined:
    case 'start':
      return (await import('./cli/serve.ts')).serve('all');
    case 'api':
    case 'worker':
      return (await import('./cli/serve.ts')).serve(cmd);
    case 'migrate': {
      const { openRuntime } = await import('./cli/runtime.ts');
      const rt = await openRuntime('plexus-migrate');
      await rt.db.close();
      return;
    }
    case 'keys':
      if (sub === 'rotate') return (await import('./cli/keys.ts')).rotateCommand();
      break;
    case 'orgs':
      if (sub === 'create' && rest.length) return (await import('./cli/orgs.ts')).createOrgCommand(rest.join(' '));
      if (sub === 'list' || sub === 'show') return inspect(argv);
      break;
    case 'connections':
    case 'syncs':
    case 'publishes':
    case 'dead-letters':
    case 'deliveries':
    case 'operations':
    case 'audit':
    case 'doctor':
      return inspect(argv);
    case 'sandbox':
      return (await import('./cli/sandbox.ts')).sandboxCommand(sub ?? 'all');
    case 'help':
    case '--help':
      process.stdout.write(USAGE);
      return;
  }
  process.stderr.write(USAGE);
  process.exitCode = 64;
}

main(process.argv.slice(2)).catch((err: unknown) => {
  // Start-up errors a person can act on are printed plainly; anything else with its stack.
  if (err instanceof ConfigError || err instanceof MigrationError) process.stderr.write(`plexus: ${err.message}\n`);
  else process.stderr.write(`plexus: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});

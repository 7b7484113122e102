/**
 * The import rules of src/ (docs/architecture.md draws them). `npm run lint:deps` checks them;
 * imports that broke a rule before it existed are listed in
 * .dependency-cruiser-known-violations.json and must only ever be removed from it.
 */

/**
 * Top-level folders of src/, lowest first. A folder may import folders of lower ranks only;
 * folders that share a rank may not import each other. So there is no cycle between folders.
 */
const LAYERS = [
  ['core'], // errors, clock, logger, redaction, money: imports nothing of Plexus
  ['security', 'sandbox', 'config', 'assets'], // SSRF guard; the simulator kit; the environment schema; the browser-app bundler
  ['db'], // pool, transactions, migrations, the job queue and work fence
  ['observability'], // tracing and metrics
  ['vault', 'tenancy'], // credentials and keys; organisations and API keys
  ['audit', 'operations'], // the audit trail; the operations log
  ['providers'], // contracts, kit, one folder per platform, the registry
  ['connections'], // connect flows, token refresh, access to a connection's platform
  ['sync', 'webhooks', 'retention'], // ads and content sync; webhooks in and out; data retention
  ['jobs'], // the worker and its tasks
  ['orgs', 'admin', 'portal'], // organisation lifecycle (erasure); the operator's cross-org reads; portal sessions and settings
  ['console'], // the operator console's signed session (it reads portal cookies the same way)
  ['api'], // the HTTP API, with the routes of every concern and the portal and console pages
  ['cli'], // commands; main.ts sits above everything
];

/** Tests (colocated or under test/) may import whatever they exercise; the rules are for source. */
const TEST = '\\.test\\.ts$';

const rank = new Map(LAYERS.flatMap((folders, i) => folders.map((f) => [f, i])));
const folderRe = (folders) => `^src/(${folders.join('|')})/`;

const layerRules = [...rank.keys()].map((folder) => {
  const notBelow = [...rank.keys()].filter((f) => f !== folder && rank.get(f) >= rank.get(folder));
  return {
    name: `layer-${folder}`,
    comment: `src/${folder} imports only folders below it (see LAYERS in .dependency-cruiser.cjs)`,
    severity: 'error',
    from: { path: `^src/${folder}/`, pathNot: TEST },
    to: { path: folderRe(notBelow) },
  };
});

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'Modules do not import each other in a cycle (type-only imports vanish at run time and may).',
      severity: 'error',
      from: {},
      to: { circular: true, viaOnly: { dependencyTypesNot: ['type-only'] } },
    },
    ...layerRules,
    {
      name: 'layer-main',
      comment: 'Only main.ts (and nothing it does not start) imports the command layer.',
      severity: 'error',
      from: { path: '^src/', pathNot: ['^src/(main\\.ts|cli/)', TEST] },
      to: { path: '^src/(main\\.ts|cli/)' },
    },
    {
      name: 'provider-folders-are-separate',
      comment: 'A provider folder imports the contracts, the kit and itself, never another provider.',
      severity: 'error',
      from: { path: '^src/providers/([^/]+)/', pathNot: ['^src/providers/(kit|contracts)/', TEST] },
      to: { path: '^src/providers/[^/]+/', pathNot: ['^src/providers/$1/', '^src/providers/(kit|contracts)/'] },
    },
    {
      name: 'providers-below-the-registry',
      comment: 'Provider folders, the kit and the contracts sit below the registry and what is built on it.',
      severity: 'error',
      from: { path: '^src/providers/[^/]+/', pathNot: TEST },
      to: { path: '^src/providers/(registry|context|runtime|apps|version-lifecycle)\\.ts$' },
    },
    {
      name: 'kit-and-contracts-name-no-provider',
      comment: 'Shared provider code does not reach into one platform.',
      severity: 'error',
      from: {
        path: '^src/providers/(kit|contracts)/|^src/providers/[^/]+\\.ts$',
        pathNot: ['^src/providers/registry\\.ts$', TEST],
      },
      to: { path: '^src/providers/[^/]+/', pathNot: '^src/providers/(kit|contracts)/' },
    },
    {
      name: 'sandboxes-load-lazily',
      comment: 'Production code reaches a simulator only through the dynamic import in a provider entry module.',
      severity: 'error',
      from: { path: '^src/', pathNot: ['/sandbox(/|\\.ts$)', '^src/sandbox/', TEST] },
      to: { path: '^src/providers/[^/]+/sandbox(/|\\.ts$)', dependencyTypesNot: ['dynamic-import', 'type-only'] },
    },
    {
      name: 'src-never-imports-test',
      comment: 'Tests, fixtures and benchmarks depend on src/, not the other way round.',
      severity: 'error',
      from: { path: '^src/', pathNot: TEST },
      to: { path: '^(test|bench)/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // Type-only imports are edges too: a layer that needs a type from above is in the wrong place.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js'] },
  },
};

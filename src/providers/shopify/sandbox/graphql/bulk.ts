/**
 * Bulk query operations: `bulkOperationRunQuery` takes a query with one top-level connection,
 * runs it over every node (no page size), and writes the result as JSONL: one line per node,
 * the nodes of a nested connection on lines of their own with `__parentId`. The operation is
 * `CREATED` in the mutation's answer and `COMPLETED`, with its file `url`, when next read;
 * `bulk_operations/finish` goes out then. At most five query operations run at once per app
 * and shop (API 2026-01 and later).
 */
import { randomBytes } from 'node:crypto';
import {
  Kind,
  OperationTypeNode,
  parse,
  type DocumentNode,
  type FieldNode,
  type OperationDefinitionNode,
} from 'graphql';
import type { Router } from '../../../../sandbox/kit/server.ts';
import { gid, idOf, iso, type GqlContext } from './access.ts';
import { text } from '../../../../sandbox/kit/text.ts';

const MAX_RUNNING = 5;

interface Op {
  id: number;
  query: string;
  status: 'CREATED' | 'RUNNING' | 'COMPLETED' | 'FAILED' | 'CANCELED';
  createdAt: number;
  completedAt: number | null;
  lines: string[];
  roots: number;
  errorCode: string | null;
  fileKey: string;
}

type Obj = Record<string, unknown>;

function isConnectionValue(v: unknown): v is { edges?: { node: Obj }[]; nodes?: Obj[] } {
  return Boolean(v && typeof v === 'object' && ('edges' in v || 'nodes' in v) && !Array.isArray(v));
}

/** One node's line and the lines of its nested connections' nodes. */
function flatten(node: Obj, parentId: string | undefined, out: string[]): void {
  const own: Obj = {};
  const nested: Obj[] = [];
  for (const [k, v] of Object.entries(node)) {
    if (isConnectionValue(v)) nested.push(...(v.edges?.map((e) => e.node) ?? v.nodes ?? []));
    else own[k] = v;
  }
  if (parentId) own['__parentId'] = parentId;
  out.push(JSON.stringify(own));
  for (const n of nested) flatten(n, text(own['id']), out);
}

export class BulkOperations {
  readonly #ops = new Map<number, Op>();
  #next = 5_000_000;

  constructor(
    private readonly run: (doc: DocumentNode, g: GqlContext) => { data?: unknown; errors?: readonly unknown[] },
    private readonly onFinish: (payload: Obj) => void,
  ) {}

  clear(): void {
    this.#ops.clear();
  }

  routes(r: Router): void {
    r.add('GET', '/bulk-results/:key', (req) => {
      const op = [...this.#ops.values()].find(
        (o) => `${o.fileKey}.jsonl` === req.params['key'] && o.status === 'COMPLETED',
      );
      return op
        ? {
            status: 200,
            headers: { 'content-type': 'application/jsonl' },
            body: Buffer.from(op.lines.map((l) => `${l}\n`).join('')),
          }
        : { status: 404, body: 'NoSuchKey' };
    });
  }

  runQuery(g: GqlContext, query: string): unknown {
    const fail = (code: string, message: string) => ({
      bulkOperation: null,
      userErrors: [{ code, field: ['query'], message }],
    });
    let doc: DocumentNode;
    try {
      doc = parse(query);
    } catch (e) {
      return fail('INVALID', `Invalid bulk query: ${(e as Error).message}`);
    }
    const ops = doc.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
    if (ops.length !== 1 || ops[0]!.operation !== OperationTypeNode.QUERY)
      return fail('INVALID', 'Bulk queries must contain exactly one query operation');
    const roots = ops[0]!.selectionSet.selections.filter((s): s is FieldNode => s.kind === Kind.FIELD);
    if (roots.length !== 1) return fail('INVALID', 'Bulk queries must contain exactly one top-level connection field');
    if ([...this.#ops.values()].filter((o) => o.status === 'CREATED' || o.status === 'RUNNING').length >= MAX_RUNNING) {
      return fail(
        'LIMIT_REACHED',
        'A bulk query operation for this app and shop is already in progress: the limit is 5',
      );
    }
    const op: Op = {
      id: this.#next++,
      query,
      status: 'CREATED',
      createdAt: g.shop.now(),
      completedAt: null,
      lines: [],
      roots: 0,
      errorCode: null,
      fileKey: randomBytes(10).toString('hex'),
    };
    const res = this.run(doc, { ...g, bulk: true });
    const key = roots[0]!.alias?.value ?? roots[0]!.name.value;
    const top = (res.data as Obj | null | undefined)?.[key];
    if (res.errors?.length || !isConnectionValue(top)) {
      op.errorCode =
        (res.errors?.[0] as { extensions?: { code?: string } } | undefined)?.extensions?.code === 'ACCESS_DENIED'
          ? 'ACCESS_DENIED'
          : 'INTERNAL_SERVER_ERROR';
    } else {
      const nodes = top.edges?.map((e) => e.node) ?? top.nodes ?? [];
      op.roots = nodes.length;
      for (const n of nodes) flatten(n, undefined, op.lines);
    }
    this.#ops.set(op.id, op);
    return { bulkOperation: this.#render(g, op), userErrors: [] };
  }

  cancel(g: GqlContext, id: unknown): unknown {
    const op = this.#ops.get(idOf(id, 'BulkOperation') ?? -1);
    if (!op) return { bulkOperation: null, userErrors: [{ field: ['id'], message: 'Bulk operation does not exist' }] };
    if (op.status === 'CREATED' || op.status === 'RUNNING') op.status = 'CANCELED';
    return { bulkOperation: this.#render(g, op), userErrors: [] };
  }

  /** Reading an operation moves it on: CREATED → COMPLETED (or FAILED), with the finish webhook. */
  node(g: GqlContext, id: unknown): unknown {
    const op = this.#ops.get(idOf(id, 'BulkOperation') ?? -1);
    if (!op) return null;
    if (op.status === 'CREATED') {
      op.status = op.errorCode ? 'FAILED' : 'COMPLETED';
      op.completedAt = g.shop.now();
      this.onFinish({
        admin_graphql_api_id: gid('BulkOperation', op.id),
        completed_at: iso(op.completedAt),
        created_at: iso(op.createdAt),
        error_code: op.errorCode?.toLowerCase() ?? null,
        status: op.status.toLowerCase(),
        type: 'query',
      });
    }
    return this.#render(g, op);
  }

  #render(g: GqlContext, op: Op): unknown {
    const done = op.status === 'COMPLETED';
    const size = op.lines.reduce((s, l) => s + Buffer.byteLength(l) + 1, 0);
    return {
      __typename: 'BulkOperation',
      id: gid('BulkOperation', op.id),
      status: op.status,
      type: 'QUERY',
      errorCode: op.status === 'FAILED' ? op.errorCode : null,
      query: op.query,
      createdAt: iso(op.createdAt),
      completedAt: iso(op.completedAt),
      objectCount: String(done ? op.lines.length : 0),
      rootObjectCount: String(done ? op.roots : 0),
      fileSize: done && op.lines.length ? String(size) : null,
      url: done && op.lines.length ? `${g.shop.baseUrl}/bulk-results/${op.fileKey}.jsonl` : null,
      partialDataUrl: null,
    };
  }
}

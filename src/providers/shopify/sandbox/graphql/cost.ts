/**
 * Shopify's calculated query cost (shopify.dev/docs/apps/build/apis/graphql-admin/rate-limits):
 * scalars and enums 0, an object 1, an interface or union the largest of its selections, a
 * connection 2 plus its page size times the cost of one node, every mutation field 10. The
 * requested cost sizes each connection by its `first`/`last`; the actual cost counts the nodes
 * the answer holds.
 */
import {
  getArgumentValues,
  getNamedType,
  isAbstractType,
  isCompositeType,
  isListType,
  isNonNullType,
  isObjectType,
  Kind,
  OperationTypeNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLField,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';

export const MUTATION_COST = 10;
export const MAX_QUERY_COST = 1000;

interface Walk {
  schema: GraphQLSchema;
  fragments: Record<string, FragmentDefinitionNode>;
  variables: Record<string, unknown>;
}

/** Fields selected on a type, fragments spread in; an abstract type keeps every branch. */
function fieldsOf(w: Walk, set: SelectionSetNode, out: FieldNode[] = []): FieldNode[] {
  for (const s of set.selections) {
    if (s.kind === Kind.FIELD) out.push(s);
    else if (s.kind === Kind.INLINE_FRAGMENT) fieldsOf(w, s.selectionSet, out);
    else {
      const f = w.fragments[s.name.value];
      if (f) fieldsOf(w, f.selectionSet, out);
    }
  }
  return out;
}

function fieldDef(type: GraphQLCompositeType, name: string): GraphQLField<unknown, unknown> | undefined {
  if (isObjectType(type) || 'getFields' in type)
    return (type as { getFields(): Record<string, GraphQLField<unknown, unknown>> }).getFields()[name];
  return undefined;
}

/** For an interface, the largest cost over its implementations (Shopify: "maximum of possible selections"). */
function setCost(
  w: Walk,
  set: SelectionSetNode | undefined,
  type: GraphQLCompositeType,
  data: unknown,
  actual: boolean,
): number {
  if (!set) return 0;
  if (isAbstractType(type)) {
    const impls = w.schema.getPossibleTypes(type);
    return Math.max(0, ...impls.map((t) => setCost(w, set, t, data, actual)));
  }
  let sum = 0;
  for (const f of fieldsOf(w, set)) {
    const def = fieldDef(type, f.name.value);
    if (!def) continue;
    const key = f.alias?.value ?? f.name.value;
    const value = data && typeof data === 'object' ? (data as Record<string, unknown>)[key] : undefined;
    sum += fieldCost(w, f, def, value, actual);
  }
  return sum;
}

function fieldCost(
  w: Walk,
  f: FieldNode,
  def: GraphQLField<unknown, unknown>,
  value: unknown,
  actual: boolean,
): number {
  const named = getNamedType(def.type);
  if (!isCompositeType(named)) return 0;
  if (named.name.endsWith('Connection') && isObjectType(named)) {
    const args = getArgumentValues(def, f, w.variables) as { first?: number; last?: number };
    const nodeType = getNamedType(named.getFields()['nodes']!.type) as GraphQLCompositeType;
    let per = 0;
    for (const c of f.selectionSet ? fieldsOf(w, f.selectionSet) : []) {
      if (c.name.value === 'nodes') per = Math.max(per, 1 + setCost(w, c.selectionSet, nodeType, undefined, false));
      if (c.name.value === 'edges' && c.selectionSet) {
        for (const e of fieldsOf(w, c.selectionSet))
          if (e.name.value === 'node') per = Math.max(per, 1 + setCost(w, e.selectionSet, nodeType, undefined, false));
      }
    }
    const v = value as { edges?: unknown[]; nodes?: unknown[] } | null | undefined;
    const size = actual
      ? v
        ? Math.max(v.edges?.length ?? 0, v.nodes?.length ?? 0)
        : 0
      : (args.first ?? args.last ?? 0);
    return 2 + size * per;
  }
  const list = isListType(isNonNullType(def.type) ? def.type.ofType : def.type);
  if (list) {
    if (actual)
      return Array.isArray(value)
        ? value.reduce(
            (s: number, item) => s + (item == null ? 0 : 1 + setCost(w, f.selectionSet, named, item, true)),
            0,
          )
        : 0;
    const args = getArgumentValues(def, f, w.variables) as { ids?: unknown[] };
    return (args.ids?.length ?? 1) * (1 + setCost(w, f.selectionSet, named, undefined, false));
  }
  if (actual && (value === null || value === undefined)) return 1;
  return 1 + setCost(w, f.selectionSet, named, value, actual);
}

export interface OperationCost {
  requested: number;
  actual(data: unknown): number;
}

export function operationCost(
  schema: GraphQLSchema,
  op: OperationDefinitionNode,
  fragments: Record<string, FragmentDefinitionNode>,
  variables: Record<string, unknown>,
): OperationCost {
  const w: Walk = { schema, fragments, variables };
  if (op.operation === OperationTypeNode.MUTATION) {
    const n = fieldsOf(w, op.selectionSet).filter((f) => !f.name.value.startsWith('__')).length;
    return { requested: n * MUTATION_COST, actual: () => n * MUTATION_COST };
  }
  const root = schema.getQueryType()!;
  return {
    requested: setCost(w, op.selectionSet, root, undefined, false),
    actual: (data) => setCost(w, op.selectionSet, root, data, true),
  };
}

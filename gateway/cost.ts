import {
  type ArgumentNode,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLSchema,
  getNamedType,
  getNullableType,
  isCompositeType,
  isInterfaceType,
  isListType,
  isObjectType,
  Kind,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValueNode,
} from 'graphql';

/** The page size a connection returns when `first` is not given (lib/pagination.ts). */
const DEFAULT_PAGE_SIZE = 50;

export interface CostOptions {
  /** How many items a list field without a `first` argument is assumed to return. */
  listSize: number;
}

/**
 * What an operation is expected to cost: about the number of fields it will resolve,
 * with list sizes multiplied in, plus the items of its input lists.
 *
 * - A field costs 1, plus its selection's cost times the number of times that selection
 *   will be resolved: `first` when the field takes one (the argument, its variable, or the
 *   schema's default, else 50), `listSize` for another list, 1 for an object. A connection's
 *   `edges` is not multiplied again: its `first` already was.
 * - Every item of a list given as input (a bulk call's accounts, a filter's values) costs 1.
 * - `__typename` and introspection cost nothing: introspection is bounded by the schema,
 *   and refused outright when it is off.
 * - `@skip` and `@include` are ignored: the estimate is an upper bound.
 *
 * Each fragment is costed once and its cost reused at every spread, so the estimate is
 * linear in the size of the document even when fragments spread each other many times
 * (the cost, not the work, grows with every spread).
 */
export function operationCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Record<string, unknown> | undefined,
  options: CostOptions,
): number {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  const fragmentCosts = new Map<string, number>();
  const variableDefaults = new Map<string, ValueNode>();
  for (const definition of operation.variableDefinitions ?? []) {
    if (definition.defaultValue) variableDefaults.set(definition.variable.name.value, definition.defaultValue);
  }
  let inputItems = 0;

  /** The runtime value of an argument: a literal, or the variable's value or default. */
  const argumentValue = (node: ValueNode): unknown => {
    if (node.kind === Kind.VARIABLE) {
      const name = node.name.value;
      if (variables && Object.hasOwn(variables, name)) return variables[name];
      const fallback = variableDefaults.get(name);
      return fallback ? argumentValue(fallback) : undefined;
    }
    if (node.kind === Kind.INT) return Number(node.value);
    if (node.kind === Kind.LIST) return node.values.map(argumentValue);
    if (node.kind === Kind.OBJECT) return Object.fromEntries(node.fields.map((field) => [field.name.value, argumentValue(field.value)]));
    if (node.kind === Kind.NULL) return null;
    return 'value' in node ? node.value : undefined;
  };

  const countItems = (value: unknown): number => {
    if (Array.isArray(value)) return value.reduce((sum: number, item) => sum + countItems(item), value.length);
    if (value !== null && typeof value === 'object') return Object.values(value).reduce((sum: number, item) => sum + countItems(item), 0);
    return 0;
  };

  const timesResolved = (parent: GraphQLNamedType, field: GraphQLField<unknown, unknown>, args: readonly ArgumentNode[]): number => {
    const first = field.args.find((arg) => arg.name === 'first');
    if (first) {
      const given = args.find((arg) => arg.name.value === 'first');
      const value = given ? argumentValue(given.value) : undefined;
      const size = typeof value === 'number' ? value : typeof first.defaultValue === 'number' ? first.defaultValue : DEFAULT_PAGE_SIZE;
      // `first: 0` still resolves the selection's shape once; a negative size is refused by the subgraph.
      return Number.isFinite(size) ? Math.max(1, size) : 1;
    }
    if (!isListType(getNullableType(field.type))) return 1;
    if (field.name === 'edges' && parent.name.endsWith('Connection')) return 1;
    return options.listSize;
  };

  const costOf = (selectionSet: SelectionSetNode | undefined, parent: GraphQLNamedType | undefined | null): number => {
    if (!selectionSet || !parent || !isCompositeType(parent)) return 0;
    let cost = 0;
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) {
        const name = selection.name.value;
        if (name.startsWith('__')) continue;
        const field = isObjectType(parent) || isInterfaceType(parent) ? parent.getFields()[name] : undefined;
        if (!field) continue;
        for (const argument of selection.arguments ?? []) inputItems += countItems(argumentValue(argument.value));
        cost += 1 + timesResolved(parent, field, selection.arguments ?? []) * costOf(selection.selectionSet, getNamedType(field.type));
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        const type = selection.typeCondition ? schema.getType(selection.typeCondition.name.value) : parent;
        cost += costOf(selection.selectionSet, type);
      } else {
        const name = selection.name.value;
        let known = fragmentCosts.get(name);
        if (known === undefined) {
          // Marked before descending: a cycle (refused by validation anyway) costs nothing more.
          fragmentCosts.set(name, 0);
          const fragment = fragments.get(name);
          known = fragment ? costOf(fragment.selectionSet, schema.getType(fragment.typeCondition.name.value)) : 0;
          fragmentCosts.set(name, known);
        }
        cost += known;
      }
    }
    return cost;
  };

  const root = schema.getRootType(operation.operation);
  return costOf(operation.selectionSet, root) + inputItems;
}

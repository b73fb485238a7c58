import { operationFromDocument, Supergraph } from '@apollo/federation-internals';
import { type QueryPlan, QueryPlanner } from '@apollo/query-planner';
import {
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLNamedType,
  type GraphQLSchema,
  getNamedType,
  getNullableType,
  isCompositeType,
  isEnumType,
  isInputObjectType,
  isListType,
  isNonNullType,
  isScalarType,
  parse,
} from 'graphql';
import { composeSupergraph } from '../../gateway/compose.js';

// What the hostile tests know of the graph, all of it read from the composition of the
// subgraphs' schemas (not from a hand-kept list): every root field, every place a value
// can be given to it, and which subgraphs a request's plan touches.

export type RootKind = 'query' | 'mutation';

export interface RootField {
  kind: RootKind;
  field: GraphQLField<unknown, unknown>;
}

export interface ComposedGraph {
  /** The API schema clients see through the gateway. */
  schema: GraphQLSchema;
  supergraph: Supergraph;
  rootFields(kind: RootKind): RootField[];
  /** The custom scalars of the API schema (not graphql's five). */
  customScalars(): string[];
  /** The subgraphs the gateway's query plan for `document` fetches from. */
  subgraphsOf(document: string): Set<string>;
}

const builtInScalars = new Set(['String', 'Int', 'Float', 'Boolean', 'ID']);

export function composedGraph(): ComposedGraph {
  const supergraph = Supergraph.build(composeSupergraph());
  const schema = supergraph.apiSchema().toGraphQLJSSchema();
  let planner: QueryPlanner | undefined;
  return {
    schema,
    supergraph,
    rootFields(kind) {
      const type = kind === 'query' ? schema.getQueryType() : schema.getMutationType();
      return Object.values(type?.getFields() ?? {}).map((field) => ({ kind, field }));
    },
    customScalars() {
      return Object.values(schema.getTypeMap())
        .filter((type) => isScalarType(type) && !builtInScalars.has(type.name) && !type.name.startsWith('__'))
        .map((type) => type.name);
    },
    subgraphsOf(document) {
      planner ??= new QueryPlanner(supergraph);
      const plan = planner.buildQueryPlan(operationFromDocument(supergraph.schema, parse(document)));
      return servicesOf(plan);
    },
  };
}

function servicesOf(plan: QueryPlan): Set<string> {
  const found = new Set<string>();
  const visit = (node: unknown): void => {
    if (!node || typeof node !== 'object') return;
    const record = node as Record<string, unknown>;
    if (record.kind === 'Fetch' && typeof record.serviceName === 'string') found.add(record.serviceName);
    for (const value of Object.values(record)) {
      if (Array.isArray(value)) value.forEach(visit);
      else if (value && typeof value === 'object') visit(value);
    }
  };
  visit(plan.node);
  return found;
}

/** One place a client puts a value: an argument of a root field, or an input field inside one (`filter.katoCode`). */
export interface Position {
  root: RootField;
  /** Argument name, then input field names; a list on the way is entered as a list of one. */
  path: string[];
  type: GraphQLInputType;
}

/** Every argument and input field of `root`, at any depth (an input type recurring on its own path is not entered again). */
export function positionsOf(root: RootField): Position[] {
  const found: Position[] = [];
  const walk = (path: string[], type: GraphQLInputType, seen: ReadonlySet<string>) => {
    found.push({ root, path, type });
    const named = getNamedType(type);
    if (!isInputObjectType(named) || seen.has(named.name)) return;
    for (const field of Object.values(named.getFields())) walk([...path, field.name], field.type, new Set([...seen, named.name]));
  };
  for (const argument of root.field.args) walk([argument.name], argument.type, new Set());
  return found;
}

/** A literal written into the document as it is (an Int where a Date is expected, an enum name). */
export class RawLiteral {
  constructor(readonly text: string) {}
}

/** A GraphQL literal of a JSON-like value of `type`; strings as JSON strings (a valid GraphQL string). */
export function literalOf(value: unknown, type: GraphQLInputType): string {
  if (value instanceof RawLiteral) return value.text;
  if (value === null || value === undefined) return 'null';
  const nullable = getNullableType(type) as GraphQLInputType;
  if (isListType(nullable)) {
    const items = Array.isArray(value) ? value : [value];
    return `[${items.map((item) => literalOf(item, nullable.ofType)).join(', ')}]`;
  }
  if (isInputObjectType(nullable) && typeof value === 'object' && !Array.isArray(value)) {
    const fields = nullable.getFields();
    const entries = Object.entries(value as Record<string, unknown>).filter(([, field]) => field !== undefined);
    return `{ ${entries.map(([name, field]) => `${name}: ${literalOf(field, fields[name]?.type ?? nullable)}`).join(', ')} }`;
  }
  if (isEnumType(nullable) && typeof value === 'string' && /^[_A-Za-z][_0-9A-Za-z]*$/.test(value)) return value;
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(JSON.stringify(value));
}

/** The smallest selection a field's result allows: `{ __typename }` for an object, nothing for a scalar or enum. */
export function selectionOf(field: GraphQLField<unknown, unknown>): string {
  return isCompositeType(getNamedType(field.type)) ? ' { __typename }' : '';
}

/**
 * An operation calling `root` once with `args` (argument name → value). `variables` says
 * which arguments travel as variables (`$name`, declared with the argument's type); the
 * others are written inline as literals.
 */
export function operationFor(
  root: RootField,
  args: Record<string, unknown>,
  mode: 'variables' | 'inline',
): { query: string; variables: Record<string, unknown> } {
  const given = root.field.args.filter((argument) => args[argument.name] !== undefined);
  const variables: Record<string, unknown> = {};
  const declarations: string[] = [];
  const written: string[] = [];
  for (const argument of given) {
    if (mode === 'variables' && !(args[argument.name] instanceof RawLiteral)) {
      declarations.push(`$${argument.name}: ${String(argument.type)}`);
      variables[argument.name] = args[argument.name];
      written.push(`${argument.name}: $${argument.name}`);
    } else {
      written.push(`${argument.name}: ${literalOf(args[argument.name], argument.type)}`);
    }
  }
  const head = declarations.length > 0 ? `${root.kind} Hostile(${declarations.join(', ')})` : `${root.kind} Hostile`;
  const call = written.length > 0 ? `${root.field.name}(${written.join(', ')})` : root.field.name;
  return { query: `${head} { ${call}${selectionOf(root.field)} }`, variables };
}

/** Whether a value must be given at `type` (non-null without a default). */
export function isRequired(type: GraphQLInputType, defaultValue?: unknown): boolean {
  return isNonNullType(type) && defaultValue === undefined;
}

export function namedTypeOf(type: GraphQLInputType): GraphQLNamedType {
  return getNamedType(type);
}

/**
 * One operation calling `root` once per entry of `calls`, each under its own alias
 * (`c0`, `c1`, …) with its own variables (`$c0_input`, …): many hostile values per request.
 */
export function batchOperation(
  root: RootField,
  calls: ReadonlyArray<Record<string, unknown>>,
): { query: string; variables: Record<string, unknown> } {
  const declarations: string[] = [];
  const variables: Record<string, unknown> = {};
  const selections = calls.map((args, index) => {
    const written: string[] = [];
    for (const argument of root.field.args) {
      if (args[argument.name] === undefined) continue;
      const variable = `c${index}_${argument.name}`;
      declarations.push(`$${variable}: ${String(argument.type)}`);
      variables[variable] = args[argument.name];
      written.push(`${argument.name}: $${variable}`);
    }
    return `c${index}: ${root.field.name}${written.length > 0 ? `(${written.join(', ')})` : ''}${selectionOf(root.field)}`;
  });
  const head = declarations.length > 0 ? `${root.kind} Injection(${declarations.join(', ')})` : `${root.kind} Injection`;
  return { query: `${head} { ${selections.join(' ')} }`, variables };
}

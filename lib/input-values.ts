import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import {
  type ASTNode,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLInputType,
  type GraphQLSchema,
  getNullableType,
  isInputObjectType,
  isListType,
  isNonNullType,
  isScalarType,
  Kind,
  type OperationDefinitionNode,
  TypeInfo,
  typeFromAST,
  visit,
  visitWithTypeInfo,
} from 'graphql';
import { badUserInput, type FieldProblem } from './errors.js';
import { parseDate, parseDateTime } from './scalars.js';

/** More problems than this are not looked for: the first ones tell the client what to fix. */
const MAX_PROBLEMS = 100;

/** A UTF-16 surrogate without its other half: not Unicode text (it would be stored as U+FFFD, or refused). */
const loneSurrogate = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

// biome-ignore lint/suspicious/noControlCharactersInRegex: NUL is what is looked for.
const suspectCharacter = /[\u0000\ud800-\udfff]/;

/**
 * Why `value` cannot be stored as text, or null when it can: PostgreSQL's text types
 * refuse NUL, and a lone surrogate is not a character of any encoding.
 */
export function textProblem(value: string): string | null {
  // One scan for the characters either problem needs; almost every value has neither.
  if (!suspectCharacter.test(value)) return null;
  if (value.includes('\u0000')) return 'contains a NUL character (\\u0000), which no text can hold; remove it.';
  if (loneSurrogate.test(value)) return 'contains a lone UTF-16 surrogate, which is not Unicode text; send well-formed text.';
  return null;
}

/** The custom scalars whose values are checked here exactly as the subgraphs parse them. */
const scalarParsers: Record<string, (value: unknown) => unknown> = { Date: parseDate, DateTime: parseDateTime };

function scalarProblem(typeName: string, value: unknown): string | null {
  const parse = scalarParsers[typeName];
  if (!parse) return null;
  try {
    parse(value);
    return null;
  } catch (error) {
    return error instanceof Error ? error.message : `is not a valid ${typeName}.`;
  }
}

const valueKinds = new Set<string>([
  Kind.STRING,
  Kind.INT,
  Kind.FLOAT,
  Kind.BOOLEAN,
  Kind.NULL,
  Kind.ENUM,
  Kind.LIST,
  Kind.OBJECT,
  Kind.VARIABLE,
]);

/** The fragments `operation` uses, directly or through other fragments; each once. */
function fragmentsOf(document: DocumentNode, operation: OperationDefinitionNode): FragmentDefinitionNode[] {
  const byName = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) byName.set(definition.name.value, definition);
  }
  const found = new Map<string, FragmentDefinitionNode>();
  const pending: ASTNode[] = [operation];
  while (pending.length > 0) {
    visit(pending.pop() as ASTNode, {
      FragmentSpread(spread) {
        const fragment = byName.get(spread.name.value);
        if (fragment && !found.has(fragment.name.value)) {
          found.set(fragment.name.value, fragment);
          pending.push(fragment);
        }
      },
    });
  }
  return [...found.values()];
}

/**
 * Every problem of the text and date values `operation` carries, in its literals
 * (arguments, input fields, variable defaults, of the operation and the fragments it uses)
 * and in its variables: a NUL or lone surrogate in any string, and a `Date` or `DateTime`
 * that its scalar refuses. One linear pass over the document and the variables, before
 * anything runs, so such a value never reaches a resolver or the database, whichever
 * subgraph it is meant for.
 */
export function inputValueProblems(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Record<string, unknown> | undefined,
): FieldProblem[] {
  const problems: FieldProblem[] = [];
  /** A text problem reads on from the path; a scalar's own message follows it. */
  const report = (field: string, message: string, kind: 'text' | 'scalar') => {
    const said = kind === 'text' ? `The value at "${field}" ${message}` : `The value at "${field}" is refused: ${message}`;
    if (problems.length < MAX_PROBLEMS) problems.push({ field, message: said });
  };

  // Literals, with the input type each one is given and a path of argument, field and index names.
  const typeInfo = new TypeInfo(schema);
  const path: Array<string | null> = [];
  const where = () =>
    path
      .filter((part): part is string => part !== null)
      .join('')
      .replace(/^\./, '') || 'input';
  const segment = (node: ASTNode, key: string | number | undefined): string | null => {
    if (node.kind === Kind.ARGUMENT || node.kind === Kind.OBJECT_FIELD) return `.${node.name.value}`;
    if (node.kind === Kind.VARIABLE_DEFINITION) return `.$${node.variable.name.value}`;
    // The only arrays holding values are a list's items.
    return typeof key === 'number' && valueKinds.has(node.kind) ? `[${key}]` : null;
  };
  const visitor = visitWithTypeInfo(typeInfo, {
    enter(node, key) {
      path.push(segment(node, key));
      const type = getNullableType(typeInfo.getInputType());
      if (!isScalarType(type)) return;
      if (node.kind === Kind.STRING) {
        const problem = textProblem(node.value);
        if (problem) report(where(), problem, 'text');
        else {
          const invalid = scalarProblem(type.name, node.value);
          if (invalid) report(where(), invalid, 'scalar');
        }
      } else if (node.kind === Kind.INT || node.kind === Kind.FLOAT || node.kind === Kind.BOOLEAN || node.kind === Kind.ENUM) {
        const invalid = scalarProblem(type.name, undefined);
        if (invalid) report(where(), invalid, 'scalar');
      }
    },
    leave() {
      path.pop();
    },
  });
  for (const node of [operation, ...fragmentsOf(document, operation)]) visit(node, visitor);

  // Variables, walked along their declared types. The path is a stack joined only for a
  // problem: building it for every value cost more than the checks on a 10,000-item call.
  const at: Array<string | number> = [];
  const here = () =>
    at
      .map((part) => (typeof part === 'number' ? `[${part}]` : `.${part}`))
      .join('')
      .slice(1);
  const walk = (value: unknown, type: GraphQLInputType): void => {
    if (value === null || value === undefined || problems.length >= MAX_PROBLEMS) return;
    if (isNonNullType(type)) {
      walk(value, type.ofType);
      return;
    }
    if (isListType(type)) {
      if (!Array.isArray(value)) walk(value, type.ofType);
      else
        for (let index = 0; index < value.length; index += 1) {
          at.push(index);
          walk(value[index], type.ofType);
          at.pop();
        }
      return;
    }
    if (isInputObjectType(type)) {
      if (typeof value !== 'object' || Array.isArray(value)) return;
      const fields = type.getFields();
      for (const name in value) {
        const field = fields[name];
        if (!field) continue;
        at.push(name);
        walk((value as Record<string, unknown>)[name], field.type);
        at.pop();
      }
      return;
    }
    const problem = typeof value === 'string' ? textProblem(value) : null;
    if (problem) report(here(), problem, 'text');
    else if (isScalarType(type) && Object.hasOwn(scalarParsers, type.name)) {
      const invalid = scalarProblem(type.name, value);
      if (invalid) report(here(), invalid, 'scalar');
    }
  };
  for (const definition of operation.variableDefinitions ?? []) {
    const name = definition.variable.name.value;
    const type = typeFromAST(schema, definition.type) as GraphQLInputType | undefined;
    if (type && variables && Object.hasOwn(variables, name)) {
      at.push(name);
      walk(variables[name], type);
      at.pop();
    }
  }
  return problems;
}

/**
 * Refuses, with BAD_USER_INPUT and HTTP 400, an operation whose values cannot be stored
 * (`inputValueProblems`), before it executes. The gateway runs the same check; a subgraph
 * runs it too, so a request routed by another federation router is held to it as well.
 */
export function inputValuesPlugin<TContext extends BaseContext>(): ApolloServerPlugin<TContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ schema, document, operation, request }) {
          if (!operation) return;
          const problems = inputValueProblems(schema, document, operation, request.variables);
          if (problems.length > 0) throw withHttpStatus(badUserInput(problems), 400);
        },
      };
    },
  };
}

/** The same error answered with `status` (Apollo Server reads `extensions.http` and removes it from the body). */
export function withHttpStatus<T extends { extensions: Record<string, unknown> }>(error: T, status: number): T {
  (error.extensions as Record<string, unknown>).http = { status };
  return error;
}

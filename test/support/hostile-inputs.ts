import fc from 'fast-check';
import { type GraphQLInputType, getNamedType, getNullableType, isEnumType, isInputObjectType, isListType, isNonNullType } from 'graphql';
import { idsNamedBy, type Samples, textsNamedBy } from './hostile-samples.js';
import type { RootField } from './hostile-schema.js';
import { injectionCorpus } from './injection-corpus.js';

// fast-check arbitraries from GraphQL input types: values that conform to a type (hostile
// texts, extreme numbers, stored ids), and one poison put at one place of such a value that
// makes the whole input invalid whatever the rest holds.

const MAX_DEPTH = 4;

/** Texts a GraphQL String accepts and a database stores, chosen to hurt: empty, huge, odd Unicode, SQL. */
export const hostileText: fc.Arbitrary<string> = fc.oneof(
  { arbitrary: fc.string({ maxLength: 30 }), weight: 3 },
  { arbitrary: fc.string({ unit: 'grapheme', maxLength: 30 }), weight: 2 },
  { arbitrary: fc.constantFrom(...injectionCorpus), weight: 3 },
  { arbitrary: fc.stringMatching(/^\d{1,15}$/), weight: 2 },
  { arbitrary: fc.constantFrom('', ' ', '\t', '\r\n', '   x   ', '\u00a0', '\u200b', '\ufeff', '\u202e'), weight: 1 },
  {
    arbitrary: fc.tuple(fc.constantFrom(1_000, 10_000, 100_000), fc.constantFrom('x', 'ж', '😀', "'", '9')).map(([n, c]) => c.repeat(n)),
    weight: 1,
  },
);

const uuid = fc.uuid();

/** Ids that are no UUID, or a UUID made unusable. */
export const malformedId: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    '',
    ' ',
    '0',
    '1',
    '-1',
    'null',
    'undefined',
    'building-1',
    '00000000-0000-0000-0000-00000000000g',
    '00000000-0000-0000-0000-0000000000000',
    '{00000000-0000-0000-0000-000000000000}',
    '00000000000000000000000000000000',
    '../../etc/passwd',
    "' OR '1'='1",
  ),
  uuid.map((id) => ` ${id}`),
  uuid.map((id) => `${id}\n`),
  uuid.map((id) => id.slice(0, 35)),
  uuid.map((id) => `${id}'`),
  fc.string({ maxLength: 40 }).filter((text) => !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(text)),
);

const pad = (n: number, width: number) => String(n).padStart(width, '0');

/** Whether `value` could be a Date by any reading of ISO 8601's calendar date (a real day of a year 0001–9999). */
export function couldBeDate(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!match) return false;
  const [year, month, day] = match.slice(1).map(Number) as [number, number, number];
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  return year >= 1 && date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/** Whether `value` could be a DateTime: an ISO 8601 date and time of day with a time zone, on a real day. */
export function couldBeDateTime(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  const match = /^(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-](\d{2}):(\d{2}))$/.exec(value);
  if (!match || !couldBeDate(match[1])) return false;
  const [hour, minute, second, zoneHours, zoneMinutes] = [match[2], match[3], match[4], match[6], match[7]].map((part) =>
    Number(part ?? 0),
  ) as number[];
  return hour! <= 23 && minute! <= 59 && second! <= 59 && zoneHours! <= 14 && zoneMinutes! <= 59 && !Number.isNaN(Date.parse(value));
}

const dateParts = fc.tuple(fc.integer({ min: 0, max: 99_999 }), fc.integer({ min: 0, max: 99 }), fc.integer({ min: 0, max: 99 }));

/** Strings no reading of a calendar date accepts: wrong shapes, impossible days, year 0, PostgreSQL's special words. */
export const invalidDateText: fc.Arbitrary<string> = fc
  .oneof(
    fc.constantFrom(
      '',
      ' ',
      '2024-02-30',
      '2023-02-29',
      '2024-13-01',
      '2024-00-10',
      '2024-01-00',
      '2024-01-32',
      '0000-01-01',
      '0000-12-31',
      '24-01-01',
      '2024-1-1',
      '2024/01/01',
      '01.02.2024',
      '2024-01-01T00:00:00Z',
      ' 2024-01-01',
      '2024-01-01 ',
      '2024-01-01\u0000',
      '２０２４-01-01',
      '٢٠٢٤-٠١-٠١',
      '+02024-01-01',
      '-0001-01-01',
      '10000-01-01',
      '275760-09-13',
      'infinity',
      '-infinity',
      'epoch',
      'today',
      'now',
      'allballs',
      'J2451187',
      '1999-01-08 BC',
      "2024-01-01'; select 1; --",
    ),
    dateParts.map(([y, m, d]) => `${pad(y, 4)}-${pad(m, 2)}-${pad(d, 2)}`),
    fc.string({ maxLength: 20 }),
  )
  .filter((text) => !couldBeDate(text));

/** Strings no reading of an ISO 8601 instant with a time zone accepts. */
export const invalidDateTimeText: fc.Arbitrary<string> = fc
  .oneof(
    fc.constantFrom(
      '',
      '2024-01-01',
      '2024-01-01T00:00:00',
      '2024-01-01 00:00:00Z',
      '2024-01-01T24:00:00Z',
      '2024-01-01T23:60:00Z',
      '2024-01-01T23:59:60Z',
      '2024-02-30T00:00:00Z',
      '0000-01-01T00:00:00Z',
      '275760-09-13T00:00:00Z',
      '+275760-09-13T00:00:00.000Z',
      '-271821-04-20T00:00:00Z',
      '2024-01-01T00:00:00+99:00',
      '2024-01-01T00:00:00+15:00',
      '2024-01-01T00:00:00.1234567890Z',
      '1e10',
      '1700000000000',
      'infinity',
      '-infinity',
      'epoch',
      'now',
      'today',
      '2024-01-01T00:00:00Z\u0000',
      "2024-01-01T00:00:00Z' or '1'='1",
    ),
    fc
      .tuple(dateParts, fc.integer({ min: 0, max: 99 }), fc.integer({ min: 0, max: 99 }), fc.constantFrom('Z', '+05:00', '-99:99', ''))
      .map(([[y, mo, d], h, mi, zone]) => `${pad(y, 4)}-${pad(mo, 2)}-${pad(d, 2)}T${pad(h, 2)}:${pad(mi, 2)}:00${zone}`),
    fc.string({ maxLength: 30 }),
  )
  .filter((text) => !couldBeDateTime(text));

/** Any JSON value that is not a string: a custom scalar of text refuses every one. */
export const nonText: fc.Arbitrary<unknown> = fc.oneof(
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.boolean(),
  fc.constant({}),
  fc.constant([]),
  fc.dictionary(fc.string({ maxLength: 5 }), fc.string({ maxLength: 5 }), { maxKeys: 2 }),
);

export const validDate: fc.Arbitrary<string> = fc
  .date({ min: new Date('1950-01-01T00:00:00Z'), max: new Date('2060-12-31T00:00:00Z'), noInvalidDate: true })
  .map((date) => date.toISOString().slice(0, 10));

export const validDateTime: fc.Arbitrary<string> = fc.oneof(
  fc
    .date({ min: new Date('1950-01-01T00:00:00Z'), max: new Date('2060-12-31T00:00:00Z'), noInvalidDate: true })
    .map((date) => date.toISOString()),
  fc
    .tuple(validDate, fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 59 }), fc.constantFrom('+05:00', '-03:30', '+14:00', 'Z'))
    .map(([day, h, m, zone]) => `${day}T${pad(h, 2)}:${pad(m, 2)}:00${zone}`),
);

/** A value that conforms to `type` (GraphQL accepts it), hostile where a type allows it, stored ids and texts where there are some. */
export function conforming(type: GraphQLInputType, name: string, samples: Samples, depth = 0): fc.Arbitrary<unknown> {
  if (isNonNullType(type)) return conformingNullable(type.ofType, name, samples, depth);
  return fc.oneof({ arbitrary: conformingNullable(type, name, samples, depth), weight: 4 }, { arbitrary: fc.constant(null), weight: 1 });
}

function conformingNullable(type: GraphQLInputType, name: string, samples: Samples, depth: number): fc.Arbitrary<unknown> {
  if (isListType(type)) return fc.array(conforming(type.ofType, name, samples, depth + 1), { maxLength: depth > MAX_DEPTH ? 0 : 3 });
  if (isInputObjectType(type)) {
    const fields = Object.values(type.getFields());
    const required = fields.filter((field) => isNonNullType(field.type) && field.defaultValue === undefined);
    const chosen = depth > MAX_DEPTH ? required : fields;
    const model = Object.fromEntries(chosen.map((field) => [field.name, conforming(field.type, field.name, samples, depth + 1)]));
    return fc.record(model, { requiredKeys: required.map((field) => field.name) });
  }
  if (isEnumType(type)) return fc.constantFrom(...type.getValues().map((value) => value.name));
  const named = getNamedType(type).name;
  switch (named) {
    case 'ID': {
      const byName = idsNamedBy(samples, name);
      return fc.oneof(
        ...(byName.length > 0 ? [{ arbitrary: fc.constantFrom(...byName), weight: 6 }] : []),
        ...(samples.allIds.length > 0 ? [{ arbitrary: fc.constantFrom(...samples.allIds), weight: 2 }] : []),
        { arbitrary: uuid, weight: 1 },
        { arbitrary: malformedId, weight: 1 },
      );
    }
    case 'String': {
      const stored = textsNamedBy(samples, name);
      return stored.length > 0
        ? fc.oneof({ arbitrary: fc.constantFrom(...stored), weight: 3 }, { arbitrary: hostileText, weight: 2 })
        : hostileText;
    }
    case 'Int':
      return fc.oneof(
        { arbitrary: fc.integer({ min: -3, max: 60 }), weight: 5 },
        { arbitrary: fc.constantFrom(0, -1, -2_147_483_648, 2_147_483_647, 10_000, 10_001, 1_000_000), weight: 2 },
      );
    case 'Float':
      return fc.oneof(
        fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e6, max: 1e6 }),
        fc.constantFrom(0, -0.01, 1e308, -1e308, 5e-324),
      );
    case 'Boolean':
      return fc.boolean();
    case 'Date':
      return fc.oneof(
        { arbitrary: validDate, weight: 4 },
        { arbitrary: fc.constantFrom('1800-01-01', '2200-12-31', '2024-02-29'), weight: 1 },
      );
    case 'DateTime':
      return validDateTime;
    default:
      return hostileText;
  }
}

/** Marks an input field or argument to leave out. */
export const ABSENT = Symbol('absent');

export interface Poison {
  /** What makes the input invalid, e.g. `NUL in a String`, `null for a non-null`. */
  label: string;
  value: unknown;
}

/** Values that break any type GraphQL would accept at `type`, whatever the rest of the input holds. */
export function poisonFor(type: GraphQLInputType, current: unknown, required: boolean): fc.Arbitrary<Poison> {
  const options: Array<fc.Arbitrary<Poison>> = [];
  const named = (label: string, values: fc.Arbitrary<unknown>) => options.push(values.map((value) => ({ label, value })));
  if (isNonNullType(type)) named('null for a non-null', fc.constant(null));
  if (required) named('a required value left out', fc.constant(ABSENT));
  const nullable = getNullableType(type) as GraphQLInputType;
  if (isListType(nullable)) {
    if (isNonNullType(nullable.ofType)) named('a null item in a list of non-null', fc.constant([null]));
    options.push(
      poisonFor(nullable.ofType, undefined, false)
        .filter((poison) => poison.value !== ABSENT)
        .map((poison) => ({ label: `[${poison.label}]`, value: [poison.value] })),
    );
    return fc.oneof(...options);
  }
  if (isInputObjectType(nullable)) {
    named('a scalar for an input object', fc.constantFrom('text', 7, true));
    named('a list for an input object', fc.constant([{}]));
    const base = current && typeof current === 'object' && !Array.isArray(current) ? (current as Record<string, unknown>) : null;
    named('an unknown input field', fc.constant({ ...(base ?? {}), hostileUnknownField: 'x' }));
    const required = Object.values(nullable.getFields()).filter((field) => isNonNullType(field.type) && field.defaultValue === undefined);
    if (base && required.length > 0) {
      named(
        'a required input field left out',
        fc
          .constantFrom(...required.map((field) => field.name))
          .map((name) => Object.fromEntries(Object.entries(base).filter(([key]) => key !== name))),
      );
    }
    return fc.oneof(...options);
  }
  if (isEnumType(nullable)) {
    const first = nullable.getValues()[0]?.name ?? 'X';
    named('a value of no enum', fc.constantFrom('NOT_A_VALUE', first.toLowerCase(), ` ${first}`, `${first}\u0000`, '', 'null'));
    named('a non-string for an enum', fc.constantFrom(0, 1, true, {}));
    return fc.oneof(...options);
  }
  const text = (label: string, values: fc.Arbitrary<string>) => named(label, values);
  switch (getNamedType(nullable).name) {
    case 'String':
      named('a non-string for a String', fc.constantFrom(42, 1.5, true, {}, ['x']));
      text(
        'a NUL in a String',
        fc.tuple(hostileText, fc.string({ maxLength: 5 })).map(([a, b]) => `${a.slice(0, 50)}\u0000${b}`),
      );
      text(
        'a lone surrogate in a String',
        fc
          .tuple(fc.string({ maxLength: 5 }), fc.constantFrom('\ud800', '\udbff', '\udc00', '\udfff', '\udc00\ud800'))
          .map(([a, s]) => `${a}${s}${a}`),
      );
      break;
    case 'ID':
      named('a non-id value for an ID', fc.constantFrom(1.5, true, false, {}, ['x']));
      text('a malformed id', malformedId);
      text(
        'a NUL in an id',
        uuid.map((id) => `${id}\u0000`),
      );
      text(
        'a lone surrogate in an id',
        uuid.map((id) => `${id.slice(0, 35)}\ud800`),
      );
      break;
    case 'Int':
      named('an Int out of 32 bits', fc.constantFrom(2 ** 31, -(2 ** 31) - 1, 2 ** 53, 1e21, -1e21));
      named('a non-integer for an Int', fc.constantFrom(1.5, '1', '', true, {}, [1.5]));
      break;
    case 'Float':
      named('a non-number for a Float', fc.constantFrom('1.5', '', true, {}, ['x']));
      break;
    case 'Boolean':
      named('a non-boolean for a Boolean', fc.constantFrom('true', 'false', 0, 1, {}));
      break;
    case 'Date':
      text('a malformed Date', invalidDateText);
      named('a non-string for a Date', fc.constantFrom(20240101, 1.5, true, {}, ['2024-01-01']));
      break;
    case 'DateTime':
      text('a malformed DateTime', invalidDateTimeText);
      named('a non-string for a DateTime', fc.constantFrom(1_700_000_000_000, -1, true, {}, ['2024-01-01T00:00:00Z']));
      break;
    default:
      named('a non-string for a custom scalar', nonText);
  }
  return fc.oneof(...options);
}

interface Slot {
  path: Array<string | number>;
  type: GraphQLInputType;
  value: unknown;
  required: boolean;
}

/** Every place of `args` a poison can go: each argument and input field (given or not) and each list item given. */
function slotsOf(root: RootField, args: Record<string, unknown>): Slot[] {
  const slots: Slot[] = [];
  const walk = (path: Array<string | number>, type: GraphQLInputType, value: unknown, required: boolean) => {
    slots.push({ path, type, value, required });
    if (value === null || value === undefined) return;
    const nullable = getNullableType(type) as GraphQLInputType;
    if (isListType(nullable) && Array.isArray(value)) {
      for (const [index, item] of value.entries()) walk([...path, index], nullable.ofType, item, false);
    }
    if (isInputObjectType(nullable) && typeof value === 'object' && !Array.isArray(value)) {
      for (const field of Object.values(nullable.getFields())) {
        walk(
          [...path, field.name],
          field.type,
          (value as Record<string, unknown>)[field.name],
          isNonNullType(field.type) && field.defaultValue === undefined,
        );
      }
    }
  };
  for (const argument of root.field.args) {
    walk([argument.name], argument.type, args[argument.name], isNonNullType(argument.type) && argument.defaultValue === undefined);
  }
  return slots;
}

function withValueAt(args: Record<string, unknown>, path: Array<string | number>, value: unknown): Record<string, unknown> {
  const copy = structuredClone(args);
  let parent: Record<string | number, unknown> = copy;
  for (const key of path.slice(0, -1)) parent = parent[key] as Record<string | number, unknown>;
  const last = path.at(-1)!;
  if (value === ABSENT) delete parent[last];
  else parent[last] = value;
  return copy;
}

export interface InvalidCall {
  args: Record<string, unknown>;
  poison: string;
  at: string;
}

/**
 * Poisons that GraphQL and the gateway's own checks let through, so the subgraph's
 * resolvers meet them: a malformed id (a string, as the ID type allows) and a well-formed
 * id of nothing.
 */
const idPoisons: fc.Arbitrary<Poison> = fc.oneof(
  malformedId.map((value) => ({ label: 'a malformed id', value })),
  uuid.map((value) => ({ label: 'an id of nothing', value })),
);

/**
 * Arguments for `root`, conforming everywhere but at one place, where a poison makes them
 * invalid. `reach: 'anywhere'` puts any poison at any place (most are refused by GraphQL's
 * coercion or the gateway's input checks); `reach: 'resolvers'` puts an id poison at an ID
 * place (of any depth), so the resolvers behind the checks meet it; a field without ID
 * places gets poisons anywhere.
 */
export function invalidCall(root: RootField, samples: Samples, reach: 'anywhere' | 'resolvers' = 'anywhere'): fc.Arbitrary<InvalidCall> {
  const model = Object.fromEntries(root.field.args.map((argument) => [argument.name, conforming(argument.type, argument.name, samples)]));
  const required = root.field.args
    .filter((argument) => isNonNullType(argument.type) && argument.defaultValue === undefined)
    .map((argument) => argument.name);
  return fc.record(model, { requiredKeys: required }).chain((args) => {
    const all = slotsOf(root, args);
    const ids = all.filter((slot) => !isListType(getNullableType(slot.type)) && getNamedType(slot.type).name === 'ID');
    const slots = reach === 'resolvers' && ids.length > 0 ? ids : all;
    return fc.integer({ min: 0, max: slots.length - 1 }).chain((index) => {
      const slot = slots[index]!;
      const poisons = reach === 'resolvers' && ids.length > 0 ? idPoisons : poisonFor(slot.type, slot.value, slot.required);
      return poisons.map((poison) => ({
        args: withValueAt(args, slot.path, poison.value),
        poison: poison.label,
        at: slot.path.join('.'),
      }));
    });
  });
}

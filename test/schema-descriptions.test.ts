import { readFileSync } from 'node:fs';
import { Kind, parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { subgraphNames } from '../lib/subgraph-names.js';

/** Every element of an SDL document without a description, as `Type`, `Type.field`, `Type.field(argument)`. */
function undescribed(sdl: string): string[] {
  const missing: string[] = [];
  for (const definition of parse(sdl).definitions) {
    if (!('name' in definition) || !definition.name) continue;
    const type = definition.name.value;
    const extension = definition.kind === Kind.OBJECT_TYPE_EXTENSION || definition.kind === Kind.INTERFACE_TYPE_EXTENSION;
    if (!extension && !('description' in definition && definition.description)) missing.push(type);
    if ('fields' in definition) {
      for (const field of definition.fields ?? []) {
        if (!field.description) missing.push(`${type}.${field.name.value}`);
        if ('arguments' in field) {
          for (const argument of field.arguments ?? [])
            if (!argument.description) missing.push(`${type}.${field.name.value}(${argument.name.value})`);
        }
      }
    }
    if ('values' in definition) {
      for (const value of definition.values ?? []) if (!value.description) missing.push(`${type}.${value.name.value}`);
    }
  }
  return missing;
}

describe('the SDL is the documentation', () => {
  for (const name of subgraphNames) {
    it(`${name}: every type, field, argument, input field and enum value is described`, () => {
      expect(undescribed(readFileSync(new URL(`../subgraphs/${name}/schema.graphql`, import.meta.url), 'utf8'))).toEqual([]);
    });
  }

  it('finds what is missing', () => {
    expect(undescribed('"A." type A { "b." b(c: Int): Int d: Int } enum E { "x." X Y }')).toEqual(['A.b(c)', 'A.d', 'E', 'E.Y']);
  });
});

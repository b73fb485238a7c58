import { readFileSync } from 'node:fs';
import { type FieldDefinitionNode, Kind, type ObjectTypeDefinitionNode, parse, print } from 'graphql';
import { describe, expect, it } from 'vitest';

/**
 * docs/building-passport.md maps each annex row (1–29) to a field of `Building`; this
 * checks the mapping against the composed supergraph, so renaming a field or changing its
 * type without updating the document (or the other way round) fails.
 */

interface Row {
  number: number;
  field: string;
  type: string;
}

function passportRows(): Row[] {
  const text = readFileSync(new URL('../docs/building-passport.md', import.meta.url), 'utf8');
  const rows: Row[] = [];
  for (const line of text.split('\n')) {
    const match = /^\|\s*(\d+)\s*\|\s*([A-Za-z_][A-Za-z0-9_]*)\s*\|.*\|\s*([^|]+?)\s*\|\s*$/.exec(line);
    if (match) rows.push({ number: Number(match[1]), field: match[2]!, type: match[3]! });
  }
  return rows;
}

function supergraphBuildingFields(): Map<string, FieldDefinitionNode> {
  const document = parse(readFileSync(new URL('../schema/supergraph.graphql', import.meta.url), 'utf8'));
  const building = document.definitions.find(
    (definition): definition is ObjectTypeDefinitionNode =>
      definition.kind === Kind.OBJECT_TYPE_DEFINITION && definition.name.value === 'Building',
  );
  if (!building) throw new Error('The supergraph has no Building type.');
  return new Map((building.fields ?? []).map((field) => [field.name.value, field]));
}

describe('building passport mapping (docs/building-passport.md)', () => {
  const rows = passportRows();
  const fields = supergraphBuildingFields();

  it('has annex rows 1 to 29, each exactly once', () => {
    expect(rows.map((row) => row.number).sort((a, b) => a - b)).toEqual(Array.from({ length: 29 }, (_, i) => i + 1));
  });

  it('maps each row to a different field', () => {
    expect(new Set(rows.map((row) => row.field)).size).toBe(rows.length);
  });

  it('names fields that exist on Building in the supergraph, with the documented types', () => {
    const mismatches = rows
      .map((row) => ({ row, field: fields.get(row.field) }))
      .filter(({ row, field }) => !field || print(field.type) !== row.type)
      .map(
        ({ row, field }) => `${row.number} ${row.field}: documented ${row.type}, supergraph ${field ? print(field.type) : 'no such field'}`,
      );
    expect(mismatches).toEqual([]);
  });

  it("mentions the annex number in each mapped field's description in the supergraph", () => {
    // The supergraph keeps descriptions; each annex field says which row it is.
    const missing = rows.filter((row) => !fields.get(row.field)?.description?.value.startsWith(`Annex field ${row.number}:`));
    expect(missing.map((row) => row.field)).toEqual([]);
  });
});

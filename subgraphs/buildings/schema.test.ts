import { readFileSync } from 'node:fs';
import { type DefinitionNode, type EnumTypeDefinitionNode, Kind, type ObjectTypeDefinitionNode, parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import * as tables from '../../schema/buildings.js';
import { directories } from './directories.js';
import { permissions } from './permissions.js';
import { resolvers } from './resolvers/index.js';

const document = parse(readFileSync(new URL('./schema.graphql', import.meta.url), 'utf8'));
const definitions = document.definitions;

function named<T extends DefinitionNode>(kind: Kind, name: string): T | undefined {
  return definitions.find((definition) => definition.kind === kind && 'name' in definition && definition.name?.value === name) as
    | T
    | undefined;
}

describe('buildings schema.graphql', () => {
  it('has the same enum values as the database enums', () => {
    const pairs: [string, { enumValues: readonly string[] }][] = [
      // COUNTRY is the answer of Query.country only: no territory row has it.
      ['TerritoryKind', { enumValues: ['COUNTRY', ...tables.territoryKind.enumValues] }],
      ['BuildingPurpose', tables.buildingPurpose],
      ['FundCategory', tables.fundCategory],
      ['BalanceOwnership', tables.balanceOwnership],
      ['SupplySystemType', tables.supplySystemType],
      ['HeatingSupplyKind', tables.heatingSupplyKind],
      ['GasSupplyKind', tables.gasSupplyKind],
      ['WaterSupplyKind', tables.waterSupplyKind],
      ['SewerageKind', tables.sewerageKind],
      ['BuildingCondition', tables.buildingCondition],
      ['RegisterStatus', tables.registerStatus],
      ['BuildingChange', tables.buildingChange],
      ['PremiseKind', tables.premiseKind],
      ['OwnerKind', tables.ownerKind],
    ];
    for (const [name, table] of pairs) {
      const values = named<EnumTypeDefinitionNode>(Kind.ENUM_TYPE_DEFINITION, name)?.values?.map((value) => value.name.value);
      expect(values, name).toEqual([...table.enumValues]);
    }
  });

  it('labels every value of every directory enum in Kazakh and Russian', () => {
    const directoryEnums = definitions.filter(
      (definition): definition is EnumTypeDefinitionNode =>
        definition.kind === Kind.ENUM_TYPE_DEFINITION && definition.name.value !== 'BuildingChange',
    );
    for (const enumType of directoryEnums) {
      const directory = directories.find((candidate) => candidate.name === enumType.name.value);
      expect(directory, enumType.name.value).toBeDefined();
      expect(directory!.values.map((value) => value.code)).toEqual(enumType.values?.map((value) => value.name.value));
      for (const value of directory!.values) {
        expect(value.labelKk.trim().length, `${enumType.name.value}.${value.code}`).toBeGreaterThan(0);
        expect(value.labelRu.trim().length, `${enumType.name.value}.${value.code}`).toBeGreaterThan(0);
      }
    }
    // Every annex directory is there with its field numbers.
    expect(directories.flatMap((directory) => directory.annexFields).sort((a, b) => a - b)).toEqual([4, 5, 8, 17, 18, 19, 21, 22, 24, 27]);
  });

  it('gives every Query and Mutation field an explicit rule, and every declared resolver a rule', () => {
    const rules = permissions as Record<string, Record<string, unknown>>;
    for (const root of ['Query', 'Mutation']) {
      const type = named<ObjectTypeDefinitionNode>(Kind.OBJECT_TYPE_DEFINITION, root)!;
      for (const field of type.fields ?? []) expect(rules[root]?.[field.name.value], `${root}.${field.name.value}`).toBeDefined();
      expect(rules[root]?.['*']).toBeUndefined();
    }
    expect(rules.Query?._entities).toBeDefined();
    expect(rules.Query?._service).toBeDefined();
    for (const [type, fields] of Object.entries(resolvers as unknown as Record<string, Record<string, unknown>>)) {
      if (named(Kind.SCALAR_TYPE_DEFINITION, type)) continue;
      for (const field of Object.keys(fields).filter((name) => !name.startsWith('__'))) {
        expect(rules[type]?.[field] ?? rules[type]?.['*'], `${type}.${field}`).toBeDefined();
      }
    }
  });

  it("declares resolvers for owners' personal fields, so their rule runs", () => {
    const owner = (resolvers as unknown as Record<string, Record<string, unknown>>).PremiseOwner!;
    expect(typeof owner.identificationNumber).toBe('function');
    expect(typeof owner.name).toBe('function');
    const rules = (permissions as Record<string, Record<string, unknown>>).PremiseOwner!;
    expect(rules.identificationNumber).not.toBe(rules['*']);
    expect(rules.name).not.toBe(rules['*']);
  });
});

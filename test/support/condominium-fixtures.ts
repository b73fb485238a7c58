import { createHash } from 'node:crypto';
import { expect } from 'vitest';
import { AccessFunction } from '../../lib/auth/functions.js';
import { TokenRepository } from '../../subgraphs/access/token-repository.js';
import { ALMALY, ALMATY, ASTANA, buildingInput, ESIL } from './buildings-fixtures.js';
import type { Actor, AuthFixture } from './caller-fixtures.js';
import type { TestSystem } from './system.js';

/**
 * A small condominium world for the works, requests and contracts tests, built through the
 * real mutations: two buildings (Almaty and Astana), each managed by its own OSI, owners of
 * premises with their own session tokens, and the local executive bodies of both cities.
 */
export interface Owner {
  token: string;
  personId: string;
  premiseId: string;
}

export interface CondominiumWorld {
  /** In Almaly district, Almaty: managed by `manager`'s OSI. */
  buildingId: string;
  /** In Esil district, Astana: managed by `otherManager`'s OSI. */
  otherBuildingId: string;
  manager: Actor;
  otherManager: Actor;
  /** Owns apartment 1 of `buildingId`. */
  owner: Owner;
  /** Owns apartment 2 of `buildingId`. */
  neighbour: Owner;
  /** Owns apartment 1 of `otherBuildingId`. */
  stranger: Owner;
  /** Almaty's local executive body with CONDOMINIUM_MANAGE (no PERSONAL_DATA_READ). */
  almatyAkimat: Actor;
  /** Astana's local executive body with CONDOMINIUM_MANAGE. */
  astanaAkimat: Actor;
}

async function ok(system: TestSystem, query: string, variables: Record<string, unknown>, token: string): Promise<any> {
  const response = await system.query(query, variables, { token });
  expect(response.errors).toBeUndefined();
  return response.data;
}

export async function condominiumWorld(system: TestSystem, fixture: AuthFixture): Promise<CondominiumWorld> {
  const registrar = await fixture.person('AUTHORIZED_BODY', [AccessFunction.BuildingRegisterMaintain, AccessFunction.PremisesMaintain]);
  const register = async (katoCode: string) =>
    (
      await ok(
        system,
        `mutation($input: RegisterBuildingInput!) { registerBuilding(input: $input) { building { id } } }`,
        { input: buildingInput({ katoCode }) },
        registrar.token,
      )
    ).registerBuilding.building.id as string;
  const buildingId = await register(ALMALY);
  const otherBuildingId = await register(ESIL);

  const persons = await Promise.all([fixture.access.person(), fixture.access.person(), fixture.access.person()]);
  const addPremises = async (id: string, owners: Array<(typeof persons)[number]>) =>
    (
      await ok(
        system,
        `mutation($id: ID!, $premises: [PremiseInput!]!) { addPremises(buildingId: $id, premises: $premises) { premises { id } } }`,
        {
          id,
          premises: owners.map((person, index) => ({
            kind: 'APARTMENT',
            number: String(index + 1),
            owners: [{ kind: 'PERSON', identificationNumber: person.iin, name: person.fullName }],
          })),
        },
        registrar.token,
      )
    ).addPremises.premises.map((premise: { id: string }) => premise.id) as string[];
  const [first = '', second = ''] = await addPremises(buildingId, persons.slice(0, 2));
  const [third = ''] = await addPremises(otherBuildingId, persons.slice(2));
  const tokens = new TokenRepository(system.db);
  const owner = async (index: number, premiseId: string): Promise<Owner> => {
    const person = persons[index];
    if (!person) throw new Error('no person');
    return { token: (await tokens.issueSessionToken(person.id)).token, personId: person.id, premiseId };
  };

  const managed = async (id: string) => {
    const osi = await fixture.access.subject('OSI');
    await ok(
      system,
      `mutation($input: AssignManagementInput!) { assignManagement(input: $input) { assignment { id } } }`,
      { input: { buildingId: id, subjectId: osi.id, validFrom: '2025-01-01' } },
      fixture.adminToken,
    );
    return fixture.person('OSI', [AccessFunction.CondominiumManage], { subjectId: osi.id });
  };

  return {
    buildingId,
    otherBuildingId,
    manager: await managed(buildingId),
    otherManager: await managed(otherBuildingId),
    owner: await owner(0, first),
    neighbour: await owner(1, second),
    stranger: await owner(2, third),
    almatyAkimat: await fixture.person('LOCAL_EXECUTIVE_BODY', [AccessFunction.CondominiumManage], { territoryKato: ALMATY }),
    astanaAkimat: await fixture.person('LOCAL_EXECUTIVE_BODY', [AccessFunction.CondominiumManage], { territoryKato: ASTANA }),
  };
}

/** Uploads a small stored document of the building as `token`'s caller; returns its id. */
export async function uploadDocument(system: TestSystem, token: string, buildingId: string, text: string): Promise<string> {
  const bytes = Buffer.from(text, 'utf8');
  const data = await ok(
    system,
    `mutation($input: UploadDocumentInput!) { uploadDocument(input: $input) { document { id status } } }`,
    {
      input: {
        buildingId,
        fileName: 'photo.txt',
        mediaType: 'text/plain',
        size: bytes.length,
        sha256: createHash('sha256').update(bytes).digest('hex'),
        content: bytes.toString('base64'),
      },
    },
    token,
  );
  expect(data.uploadDocument.document.status).toBe('STORED');
  return data.uploadDocument.document.id;
}

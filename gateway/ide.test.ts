import { getIntrospectionQuery } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postGraphQL, startTestSystem, type TestSystem } from '../test/support/system.js';

/** The `defaultQuery` literal of the page, and the page without it. */
function splitDefaultQuery(html: string): { query: string; rest: string } {
  const match = /defaultQuery: ("(?:[^"\\]|\\.)*")/.exec(html);
  if (!match?.[1]) throw new Error('The IDE page has no defaultQuery.');
  return { query: JSON.parse(match[1]) as string, rest: html.replace(match[0], '') };
}

// A newcomer opens the IDE without a token: the page must not pre-fill one (a placeholder
// earns a 401 on every request), and both the schema load and the default query must work.
describe('the IDE for a newcomer', () => {
  let system: TestSystem;
  let html: string;
  beforeAll(async () => {
    system = await startTestSystem();
    const page = await fetch(system.gatewayUrl.replace(/graphql$/, ''), { headers: { accept: 'text/html' } });
    expect(page.status).toBe(200);
    html = await page.text();
  });
  afterAll(async () => {
    await system?.close();
  });

  it('opens with no headers: no Authorization pre-filled', () => {
    const { rest } = splitDefaultQuery(html);
    expect(rest).not.toMatch(/authorization|bearer/i);
    expect(rest).not.toMatch(/defaultHeaders|headers\s*:/);
  });

  it('says in the default query how to add a token and where the demo tokens are', () => {
    const { query } = splitDefaultQuery(html);
    expect(query).toContain('{"Authorization": "Bearer kzh_…"}');
    expect(query).toContain('Headers pane');
    expect(query).toContain('.data/demo-tokens.json');
    expect(query).toContain('npm start');
  });

  it('loads the schema with no token', async () => {
    const response = await postGraphQL<{ __schema: { queryType: { name: string } } }>(system.gatewayUrl, getIntrospectionQuery());
    expect(response.status).toBe(200);
    expect(response.errors).toBeUndefined();
    expect(response.data?.__schema.queryType.name).toBe('Query');
  });

  it('runs the default query with no token', async () => {
    const { query } = splitDefaultQuery(html);
    const response = await postGraphQL<{ buildings: { edges: unknown[] } }>(system.gatewayUrl, query);
    expect(response.status).toBe(200);
    expect(response.errors).toBeUndefined();
    expect(Array.isArray(response.data?.buildings.edges)).toBe(true);
  });
});

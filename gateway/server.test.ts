import { describe, expect, it } from 'vitest';
import type { CallerClient } from './caller-client.js';
import { SignedCallerDataSource } from './server.js';

const callers: CallerClient = {
  resolve: async () => ({ header: 'x-housing-caller', subgraphs: {}, requestKeys: {}, expiresAt: 0, identity: { kind: 'anonymous' } }),
  close: () => {},
};
const source = new SignedCallerDataSource('utilities', 'http://utilities.internal:4003/', callers);

function reply(status: number, body: unknown): Parameters<SignedCallerDataSource['errorFromResponse']>[0] {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  const type = typeof body === 'string' ? 'text/plain' : 'application/json';
  return new Response(text, { status, headers: { 'content-type': type } }) as unknown as Parameters<
    SignedCallerDataSource['errorFromResponse']
  >[0];
}

describe('SignedCallerDataSource.errorFromResponse', () => {
  it("passes a subgraph's refusal through with its code and message, and nothing of the subgraph's address or body", async () => {
    const refused = await source.errorFromResponse(
      reply(403, { errors: [{ message: 'Only the Administrator may do this.', extensions: { code: 'FORBIDDEN' } }] }),
    );
    expect({ message: refused.message, extensions: refused.extensions }).toEqual({
      message: 'Only the Administrator may do this.',
      extensions: { code: 'FORBIDDEN' },
    });
    const unauthenticated = await source.errorFromResponse(
      reply(401, { errors: [{ message: 'Sign in first.', extensions: { code: 'UNAUTHENTICATED' } }] }),
    );
    expect({ message: unauthenticated.message, extensions: unauthenticated.extensions }).toEqual({
      message: 'Sign in first.',
      extensions: { code: 'UNAUTHENTICATED' },
    });
  });

  it('gives the code of the status and a standard message when the body is not a GraphQL refusal', async () => {
    const proxy = await source.errorFromResponse(reply(401, '<html>401 Authorization Required</html>'));
    expect(proxy.extensions).toEqual({ code: 'UNAUTHENTICATED' });
    expect(proxy.message).toMatch(/^Sign in/);
    const mismatched = await source.errorFromResponse(
      reply(403, { errors: [{ message: 'http://utilities.internal:4003/ said no', extensions: { code: 'SOMETHING_ELSE' } }] }),
    );
    expect(mismatched.extensions).toEqual({ code: 'FORBIDDEN' });
    expect(mismatched.message).not.toContain('utilities.internal');
  });

  it('keeps passing input errors of a 400 through with their field', async () => {
    const input = await source.errorFromResponse(
      reply(400, {
        errors: [{ message: 'The date is not a calendar day.', extensions: { code: 'BAD_USER_INPUT', field: 'readings[0].readAt' } }],
      }),
    );
    expect(input.extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'readings[0].readAt' });
  });
});

import type { IncomingMessage } from 'node:http';
import type { ApolloServer, BaseContext } from '@apollo/server';
import { GraphQLError } from 'graphql';
import type { HttpReply, HttpRoute } from '../lib/http-server.js';

/**
 * `GET /open-data.csv?katoCode=750000000&period=2026-11`: the open-data statistics of a
 * territory and month as a CSV download (p.21, no token needed). It is the `openData` query
 * run through this gateway's own pipeline with the request's context: the same caller
 * resolution, limits and quotas as any GraphQL request, and errors in the GraphQL error
 * format, as JSON with the HTTP status they would have.
 */
const operation = `query OpenDataCsv($katoCode: String!, $period: String!) { openData(katoCode: $katoCode, period: $period) { csv } }`;

export function openDataCsvRoute<TContext extends BaseContext>(
  apollo: ApolloServer<TContext>,
  contextFor: (request: IncomingMessage) => Promise<TContext>,
): HttpRoute {
  return {
    method: 'GET',
    async handle(request): Promise<HttpReply> {
      const params = new URL(request.url ?? '/', 'http://localhost').searchParams;
      const variables = { katoCode: params.get('katoCode') ?? '', period: params.get('period') ?? '' };
      let contextValue: TContext;
      try {
        contextValue = await contextFor(request);
      } catch (error) {
        if (!(error instanceof GraphQLError)) throw error;
        const status = Number((error.extensions.http as { status?: number } | undefined)?.status ?? 400);
        return { status, body: { errors: [{ message: error.message, extensions: { code: error.extensions.code } }] } };
      }
      const response = await apollo.executeOperation({ query: operation, variables }, { contextValue });
      if (response.body.kind !== 'single') throw new Error('The open-data query answered incrementally.');
      const { data, errors } = response.body.singleResult as { data?: { openData?: { csv: string } | null }; errors?: unknown[] };
      const csv = data?.openData?.csv;
      if (!csv || errors?.length) {
        const code = (errors?.[0] as { extensions?: { code?: string } } | undefined)?.extensions?.code;
        return { status: code === 'BAD_USER_INPUT' ? 400 : code === 'RATE_LIMITED' ? 429 : 500, body: { errors } };
      }
      return {
        status: 200,
        headers: {
          'content-disposition': `attachment; filename="open-data-${variables.katoCode}-${variables.period}.csv"`,
          'cache-control': 'public, max-age=300',
        },
        body: null,
        text: { contentType: 'text/csv; charset=utf-8', content: csv },
      };
    },
  };
}

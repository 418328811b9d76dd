import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { TestApp } from '../support/test-app';

/** The web front's typed client is generated from this app's OpenAPI document; `npm run web:api` rewrites it. */
const SCHEMA = join(__dirname, '../../web/src/api/schema.ts');

describe('the web front’s API types (e2e)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await TestApp.start({ workers: false });
  });
  afterAll(() => t.stop());

  it('match the OpenAPI document the app serves', async () => {
    const { default: openapiTS } = await import('openapi-typescript');
    const document = (await t.request('GET', '/docs-json')).json();
    const generated = `// Generated from /docs-json by \`npm run web:api\`: do not edit.\n${await openapiTS(document, { alphabetize: true })}`;
    if (process.env.UPDATE_WEB_API === '1') writeFileSync(SCHEMA, generated);
    expect(readFileSync(SCHEMA, 'utf8')).toBe(generated);
  });

  it('give every answer with a body a schema, so the front never hand-writes one', async () => {
    type Operation = { operationId: string; responses: Record<string, { content?: Record<string, { schema?: object }> }> };
    const document: { paths: Record<string, Record<string, Operation>> } = (await t.request('GET', '/docs-json')).json();
    const undocumented = Object.values(document.paths)
      .flatMap((path) => Object.values(path))
      .flatMap((operation) =>
        Object.entries(operation.responses)
          .filter(([status, answer]) => /^2\d\d$/.test(status) && status !== '204' && !Object.values(answer.content ?? {}).some((media) => media.schema))
          .map(([status]) => `${operation.operationId} ${status}`),
      );
    expect(undocumented).toEqual([]);
  });
});

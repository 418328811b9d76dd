import Fastify, { type FastifyInstance } from 'fastify';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PAGE_SECTIONS, serveWebFront } from './web-front';

describe('the web front beside the API', () => {
  let dir: string;
  let app: FastifyInstance;
  const html = { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'web-front-'));
    mkdirSync(join(dir, 'assets'));
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>Cuộc thi</title>');
    writeFileSync(join(dir, 'assets', 'index-abc123.js'), 'console.log(1)');
    app = Fastify();
    app.get('/entries', async () => ({ items: [] }));
    expect(await serveWebFront(app, dir)).toBe(true);
    await app.ready();
  });
  afterAll(async () => {
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves its page at / and at any page address a browser reloads', async () => {
    for (const url of ['/', '/truong', '/cham-thi/1/2?x=1']) {
      const response = await app.inject({ url, headers: html });
      expect(response.statusCode).toBe(200);
      expect(response.body).toContain('<title>Cuộc thi</title>');
      expect(response.headers['cache-control']).toBe('no-cache');
    }
  });

  it('serves its page at a page address whatever the client accepts: a probe or link checker finds it too', async () => {
    for (const accept of [undefined, '*/*', 'application/json']) {
      const response = await app.inject({ url: '/truong', headers: accept ? { accept } : {} });
      expect(response.statusCode).toBe(200);
      expect(response.body).toContain('<title>Cuộc thi</title>');
    }
  });

  it('knows every section of the web front’s page addresses', () => {
    const routes = readFileSync(join(__dirname, '../../../web/src/App.tsx'), 'utf8');
    const sections = [...routes.matchAll(/path="\/([^/"]+)/g)].map((match) => match[1]);
    expect(sections.length).toBeGreaterThan(5);
    expect([...new Set(sections)].sort()).toEqual(PAGE_SECTIONS);
  });

  it('never answers for an API route, even asked as HTML', async () => {
    const response = await app.inject({ url: '/entries', headers: html });
    expect(response.json()).toEqual({ items: [] });
  });

  it('leaves unknown addresses asked as JSON, and other methods, to the API’s 404', async () => {
    expect((await app.inject({ url: '/nothing', headers: { accept: 'application/json' } })).statusCode).toBe(404);
    expect((await app.inject({ method: 'POST', url: '/truong', headers: html })).statusCode).toBe(404);
  });

  it('serves the hashed assets for a year, and nothing outside them', async () => {
    const asset = await app.inject({ url: '/assets/index-abc123.js' });
    expect(asset.statusCode).toBe(200);
    expect(asset.headers['cache-control']).toContain('immutable');
    expect((await app.inject({ url: '/assets/missing.js' })).statusCode).toBe(404);
    expect((await app.inject({ url: '/assets/..%2Findex.html' })).statusCode).not.toBe(200);
  });

  it('stays out of the way when the front is not built', async () => {
    expect(await serveWebFront(Fastify(), join(dir, 'nothing-here'))).toBe(false);
  });
});

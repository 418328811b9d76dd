import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/** Where `npm run build:web` puts the web front: `dist/web` of the checkout, whether this file runs from `dist/src` or `src`. */
export function webFrontDir(): string {
  const src = join(__dirname, '../..');
  const root = basename(dirname(src)) === 'dist' ? dirname(dirname(src)) : dirname(src);
  return join(root, 'dist/web');
}

const ASSETS = '/assets/';

/**
 * The first segment of every page address of the web front (web/src/App.tsx; a spec holds the two together). The
 * API's routes are English, the pages' Vietnamese, so these are the page whoever asks: a link checker or a probe
 * that sends no `Accept: text/html` finds the page a browser would.
 */
export const PAGE_SECTIONS = ['cham-thi', 'cong-bo', 'dang-nhap', 'hoi-dong', 'tai-khoan', 'to-chuc', 'truong'];

const isPageAddress = (path: string) => PAGE_SECTIONS.includes(path.split('/')[1]);

/**
 * Serves the web front next to the API: its hashed assets under `/assets/`, and its page for `/`, for the page
 * addresses (`PAGE_SECTIONS`) and for any other GET that no API route answers and that a browser asks as HTML. A
 * client asking JSON for an unknown path still gets the API's 404.
 */
export async function serveWebFront(fastify: FastifyInstance, dir = webFrontDir()): Promise<boolean> {
  const index = join(dir, 'index.html');
  if (!existsSync(index)) return false;
  const page = readFileSync(index);
  // No route of its own (`serve: false`): the route table stays the API's, and an API route always wins.
  await fastify.register(fastifyStatic, { root: join(dir, 'assets'), serve: false });
  fastify.addHook('onRequest', async (request, reply) => {
    if ((request.method !== 'GET' && request.method !== 'HEAD') || !request.is404) return;
    const path = request.url.split('?')[0];
    // File names carry a hash of their content: a new build has new names.
    if (path.startsWith(ASSETS)) return reply.sendFile(decodeURIComponent(path.slice(ASSETS.length)), { immutable: true, maxAge: '365d' });
    if (!isPageAddress(path) && !(request.headers.accept ?? '').includes('text/html')) return;
    return reply.code(200).header('cache-control', 'no-cache').type('text/html; charset=utf-8').send(page);
  });
  return true;
}

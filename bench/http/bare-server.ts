import Fastify from 'fastify';

/**
 * Ceiling (a): the least a Node HTTP server can do per request on this machine, a bare Fastify handler
 * returning a small JSON, in a process of its own like the app. Started by the bench on PORT.
 */
async function main(): Promise<void> {
  const app = Fastify({ logger: false });
  app.get('/ping', async () => ({ ok: true, service: 'bare' }));
  await app.listen({ port: Number(process.env.PORT), host: '127.0.0.1' });
  process.once('SIGTERM', () => void app.close().then(() => process.exit(0)));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});

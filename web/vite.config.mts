import { defineConfig } from 'vite';

// Built into dist/web, which the API serves at `/` (src/core/http/web-front.ts).
export default defineConfig({
  base: '/',
  build: { outDir: '../dist/web', emptyOutDir: true, target: 'es2020', reportCompressedSize: true },
  oxc: { jsx: { runtime: 'automatic' } },
  server: { proxy: { '^/(auth|editions|entries|panels|stages|prize-lists|public|contests|units|users|audit|docs)': 'http://127.0.0.1:3000' } },
});

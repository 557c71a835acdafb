import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig, type Plugin } from 'vite';

const root = fileURLToPath(new URL('./frontend', import.meta.url));
const outDir = resolve(root, 'dist');

// The Go binary embeds frontend/dist with `//go:embed all:dist`, which fails when the
// folder is missing. Vite empties dist on every build, so put the tracked placeholder back.
function keepDistPlaceholder(): Plugin {
  return {
    name: 'transferlab:keep-dist-placeholder',
    apply: 'build',
    closeBundle() {
      writeFileSync(resolve(outDir, '.gitkeep'), '');
    },
  };
}

export default defineConfig({
  root,
  // Keep Vite's cache in the repo's node_modules, not a second one under frontend/.
  cacheDir: fileURLToPath(new URL('./node_modules/.vite', import.meta.url)),
  plugins: [svelte({ configFile: fileURLToPath(new URL('./svelte.config.js', import.meta.url)) }), keepDistPlaceholder()],
  build: {
    outDir,
    emptyOutDir: true,
    target: 'es2022',
  },
  server: {
    host: '127.0.0.1',
    port: 5173,
    // The Go server (`make run`) answers the API and the live websocket.
    proxy: {
      '/api': { target: 'http://127.0.0.1:8080', ws: true },
    },
  },
});

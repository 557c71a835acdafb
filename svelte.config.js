import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

/** @type {import('@sveltejs/vite-plugin-svelte').SvelteConfig} */
export default {
  preprocess: vitePreprocess(),
  vitePlugin: {
    // Our components use runes only; libraries keep whatever mode they were written in.
    dynamicCompileOptions({ filename }) {
      if (!filename.includes('/node_modules/')) return { runes: true };
    },
  },
};

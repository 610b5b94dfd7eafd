import { resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vite'

// The scripts run `vite … --config web/vite.config.ts` from the repository root, but SvelteKit
// resolves svelte.config.js, src/ and .svelte-kit/ from the working directory it sees when its
// plugin module is first imported. So step into web/ first, then import the plugin.
// (Kit's build workers load this file again, already in web/, and may not chdir.)
const webDir = resolve(fileURLToPath(new URL('.', import.meta.url)))
if (resolve(process.cwd()) !== webDir) process.chdir(webDir)
const { sveltekit } = await import('@sveltejs/kit/vite')

export default defineConfig({
  cacheDir: '../node_modules/.vite-web',
  plugins: [sveltekit()],
  server: {
    port: 5173,
    // The API runs on its own port in development; in production it serves this app itself.
    proxy: { '/api': 'http://localhost:3000' },
  },
  build: {
    // chart.js is split into its own chunk and loaded only by pages that draw charts.
    chunkSizeWarningLimit: 250,
  },
})

import adapter from '@sveltejs/adapter-static'
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte'

/** @type {import('@sveltejs/kit').Config} */
const config = {
  preprocess: vitePreprocess(),
  compilerOptions: { runes: true },
  kit: {
    // A single-page app: the server answers every non-API path with index.html.
    adapter: adapter({ pages: 'build', assets: 'build', fallback: 'index.html', strict: true }),
    files: { src: 'src' },
  },
}

export default config

import js from '@eslint/js'
import { defineConfig } from 'eslint/config'
import svelte from 'eslint-plugin-svelte'
import globals from 'globals'
import ts from 'typescript-eslint'
import svelteConfig from './web/svelte.config.js'

export default defineConfig(
  {
    ignores: [
      'node_modules/',
      'web/build/',
      'web/.svelte-kit/',
      'data/',
      '.artifacts/',
      'scratch/',
      '**/*.d.ts.map',
    ],
  },
  js.configs.recommended,
  ts.configs.recommended,
  svelte.configs.recommended,
  {
    languageOptions: {
      globals: { ...globals.node },
    },
    rules: {
      // `_name` marks a parameter kept for its position in a signature.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // Migrations take Kysely<any> on purpose: they must not depend on today's table types.
    files: ['db/migrations/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    // Published coefficients (Wichura's AS241, Lanczos…) are quoted with all their digits, as printed.
    files: ['stats/**/*.ts'],
    rules: { 'no-loss-of-precision': 'off' },
  },
  {
    // Tests read JSON replies of many shapes; typing each would only restate the schemas.
    files: ['tests/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    files: ['web/**/*.ts', 'web/**/*.js', 'web/**/*.svelte', 'web/**/*.svelte.ts'],
    languageOptions: {
      globals: { ...globals.browser },
    },
  },
  {
    files: ['**/*.svelte', '**/*.svelte.ts', '**/*.svelte.js'],
    languageOptions: {
      parserOptions: {
        projectService: true,
        extraFileExtensions: ['.svelte'],
        parser: ts.parser,
        svelteConfig,
      },
    },
  },
)

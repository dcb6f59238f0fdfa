import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'viewer/dist/**', '.gpu-runtime/**', 'coverage/**', 'models/training/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // The viewer runs in the browser (viewer/tsconfig.json has the DOM lib).
    files: ['viewer/**/*.ts'],
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    // wire/ is imported by the Node build and by the viewer's browser bundle: it imports nothing outside itself
    // (no packages, no node:*, no other folder) and uses no Node-only global.
    files: ['wire/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [{ regex: '^(?!\\./)', message: 'wire/ is dependency-free: import only its own files (./x.js).' }],
        },
      ],
      'no-restricted-globals': ['error', 'Buffer', 'process', 'require', 'global', '__dirname', '__filename'],
    },
  },
  {
    // STYLE.md rule 6: the environment is configuration, read once against the schema (server/config: SETTINGS,
    // readEnvironment); everything else takes the frozen config. Tests and benchmarks set it for what they start.
    files: ['**/*.ts'],
    ignores: ['server/config/readSettings.ts', 'test/**', 'bench/**'],
    rules: {
      'no-restricted-properties': [
        'error',
        {
          object: 'process',
          property: 'env',
          message: 'read configuration from server/config (SETTINGS, readEnvironment), not process.env',
        },
      ],
    },
  },
  {
    // CommonJS entry points Jest loads with require (custom test environment).
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);

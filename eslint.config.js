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
    // CommonJS entry points Jest loads with require (custom test environment).
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);

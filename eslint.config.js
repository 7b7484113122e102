// Type-aware lint: the rules that catch what the compiler lets through (promises nobody awaits,
// async callbacks where a sync one is expected, values of unknown shape used as if known) and
// keep type-only imports apart from values.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const nodeTest = {
  from: 'package',
  package: 'node:test',
  name: ['test', 'describe', 'it', 'suite', 'before', 'after', 'beforeEach', 'afterEach'],
};

export default tseslint.config(
  { ignores: ['dist/**', '**/node_modules/**', 'packages/sdk/src/generated/**', 'test-artifacts/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      '@typescript-eslint/no-floating-promises': ['error', { allowForKnownSafeCalls: [nodeTest] }],
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' },
      ],
      // Fastify plugins and route handlers are async by contract: a registration error (a
      // duplicate route) then rejects ready() instead of escaping avvio uncaught, whether or
      // not the body awaits anything.
      '@typescript-eslint/require-await': 'off',
    },
  },
  {
    // Tests read JSON answers whose shape they then assert: `any` there is the point, not a leak.
    files: ['test/**', '**/*.test.ts', 'bench/**'],
    rules: {
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/require-await': 'off',
    },
  },
  { files: ['**/*.js', '**/*.mjs', '**/*.cjs'], extends: [tseslint.configs.disableTypeChecked] },
  // Which globals each runtime provides, for no-undef in plain JavaScript files.
  { files: ['web/**'], languageOptions: { globals: globals.browser } },
  {
    files: ['scripts/**', 'bin/**', '**/*.js', '**/*.mjs', '**/*.cjs'],
    ignores: ['web/**'],
    languageOptions: { globals: globals.node },
  },
);

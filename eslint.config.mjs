// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// Pure cores must stay free of the editor and of the HTTP framework so they can be tested and
// reused anywhere (DESIGN.md section 8).
const pureCores = [
  'gateway/sigv4/**',
  'gateway/aws/**',
  'gateway/policy/**',
  'gateway/masking/**',
  'gateway/recording/**',
  'gateway/journal/**',
  'gateway/crypto/**',
  'gateway/review/**',
];

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', 'bin/**', '**/*.generated.*', '.test-artifacts/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: { allowDefaultProject: ['*.mjs', 'scripts/*.mjs', 'bench/*.mjs'] },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } },
  },
  {
    files: ['gateway/**', 'webview/**', 'test/**', 'bench/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: [{ name: 'vscode', message: 'Only extension/ imports vscode.' }] },
      ],
    },
  },
  {
    // In-host suites run inside VS Code's extension host, next to the extension: vscode is theirs.
    files: ['test/e2e/in-host/**'],
    rules: { 'no-restricted-imports': 'off' },
  },
  {
    files: pureCores,
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            { name: 'vscode', message: 'Pure cores never import vscode.' },
            { name: 'express', message: 'Pure cores never import express; keep the framework at the edge.' },
          ],
          patterns: [
            {
              group: ['**/server/**', '**/cli/**', '**/control/**'],
              message: 'Pure cores do not depend on the edges.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['test/**', 'bench/**'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
);

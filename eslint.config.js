// ESLint flat config: typescript-eslint's recommended rules, plus the import boundaries of DESIGN.md
// (test/unit/architecture.test.ts checks the same boundaries for every folder).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'conformance-results/**', 'demo/dist/**', '**/*.wasm'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { console: 'readonly', process: 'readonly', URL: 'readonly', performance: 'readonly' } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-constant-condition': ['error', { checkLoops: false }],
      'no-empty': ['error', { allowEmptyCatch: true }],
    },
  },
  {
    files: ['src/engine/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [{
          group: ['**/formats/**', '**/shaders/**', '**/wasm/**', '**/bridges/**', '**/reference/**', '**/llm/**', '**/workers/**', '**/cli/**'],
          message: 'src/engine imports nothing outside src/engine (DESIGN.md).',
        }],
      }],
    },
  },
);

import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// Orchestrator code replays: anything that reads the clock, randomness, the environment or does I/O
// would diverge between replays. These rules make that a lint error, not a production incident.
const orchestratorBans = {
  'no-restricted-globals': [
    'error',
    { name: 'setTimeout', message: 'Use context.df.createTimer in orchestrators.' },
    { name: 'setInterval', message: 'Use context.df.createTimer in orchestrators.' },
    { name: 'fetch', message: 'Do I/O in an activity, not in an orchestrator.' },
    { name: 'process', message: 'Settings reach orchestrators through their input.' },
  ],
  'no-restricted-syntax': [
    'error',
    {
      selector: "NewExpression[callee.name='Date'][arguments.length=0]",
      message: 'new Date() reads the clock: use context.df.currentUtcDateTime in orchestrators.',
    },
    {
      selector: "CallExpression[callee.name='Date']",
      message: 'Date() reads the clock: use context.df.currentUtcDateTime in orchestrators.',
    },
  ],
  'no-restricted-properties': [
    'error',
    { object: 'Math', property: 'random', message: 'Use context.df.newGuid() in orchestrators.' },
    { object: 'Date', property: 'now', message: 'Use context.df.currentUtcDateTime in orchestrators.' },
  ],
  'no-restricted-imports': [
    'error',
    {
      patterns: [
        {
          group: ['node:*', 'fs', 'path', 'os', 'crypto', 'http', 'https', 'child_process'],
          message: 'No Node built-ins in orchestrators.',
        },
        { group: ['**/config', '**/config.js'], message: 'Orchestrators receive settings in their input.' },
      ],
    },
  ],
};

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'node_modules/**',
      'test/offline-host/fixtures/**',
      'test/mcp/fixtures/**',
      'test/fidelity/app/**',
      'test-results/**',
      '.data/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  { files: ['src/orchestrations/**/*.ts'], rules: orchestratorBans },
  {
    files: ['**/*.mjs', '**/*.js'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } },
  },
);

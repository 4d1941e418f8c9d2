// Sub-orchestrations with retry: the child fails its first attempts (counted per key in this process).
const df = require('durable-functions');

const attempts = (globalThis.__fidelityChildAttempts ??= new Map());

df.app.orchestration('parentWithRetry', function* (context) {
  const { key, failures } = context.df.getInput();
  const retry = new df.RetryOptions(5000, 3);
  const child = yield context.df.callSubOrchestratorWithRetry('flakyChild', retry, { key, failures });
  return { child };
});

df.app.orchestration('flakyChild', function* (context) {
  const { key, failures } = context.df.getInput();
  const attempt = yield context.df.callActivity('countAttempt', key);
  if (attempt <= failures) throw new Error(`attempt ${attempt} of ${key} fails`);
  return `succeeded on attempt ${attempt}`;
});

df.app.activity('countAttempt', {
  handler: (key) => {
    const n = (attempts.get(key) ?? 0) + 1;
    attempts.set(key, n);
    return n;
  },
});

// Eternal orchestration with continue-as-new (the samples' periodic cleanup): one round per execution.
const df = require('durable-functions');

df.app.orchestration('periodicCleanup', function* (context) {
  const { round, rounds } = context.df.getInput();
  yield context.df.callActivity('cleanup', round);
  if (round >= rounds) return { rounds: round };
  yield context.df.createTimer(new Date(context.df.currentUtcDateTime.getTime() + 3600 * 1000));
  context.df.continueAsNew({ round: round + 1, rounds });
});

df.app.activity('cleanup', { handler: (round) => `cleaned ${round}` });

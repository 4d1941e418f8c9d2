// Monitor (the samples' E3_Monitor): poll on a durable timer until a condition holds or the monitor expires.
const df = require('durable-functions');

df.app.orchestration('monitor', function* (context) {
  const { clearAfterPolls, pollingIntervalSeconds, expiryMinutes } = context.df.getInput();
  const expiry = context.df.currentUtcDateTime.getTime() + expiryMinutes * 60_000;
  let polls = 0;
  while (context.df.currentUtcDateTime.getTime() < expiry) {
    polls++;
    const isClear = yield context.df.callActivity('getIsClear', { polls, clearAfterPolls });
    if (isClear) {
      yield context.df.callActivity('sendAlert', `clear after ${polls} polls`);
      return { cleared: true, polls };
    }
    const next = new Date(context.df.currentUtcDateTime.getTime() + pollingIntervalSeconds * 1000);
    yield context.df.createTimer(next);
  }
  return { cleared: false, polls };
});

df.app.activity('getIsClear', { handler: ({ polls, clearAfterPolls }) => polls >= clearAfterPolls });
df.app.activity('sendAlert', { handler: (message) => message });

// A timer cancelled when the event wins (the samples' approval workflow), and an instance that keeps
// running after cancelling its timer.
const df = require('durable-functions');

df.app.orchestration('approvalWorkflow', function* (context) {
  const deadline = context.df.createTimer(
    new Date(context.df.currentUtcDateTime.getTime() + 72 * 3600 * 1000),
  );
  const approval = context.df.waitForExternalEvent('ApprovalEvent');
  const winner = yield context.df.Task.any([approval, deadline]);
  if (winner === approval) {
    deadline.cancel();
    return approval.result ? 'approved' : 'rejected';
  }
  return 'escalated';
});

df.app.orchestration('cancelThenWait', function* (context) {
  const deadline = context.df.createTimer(new Date(context.df.currentUtcDateTime.getTime() + 3600 * 1000));
  const first = context.df.waitForExternalEvent('first');
  yield context.df.Task.any([first, deadline]);
  deadline.cancel();
  const second = yield context.df.waitForExternalEvent('second');
  return [first.result, second];
});

// Human interaction with one deadline (the samples' E4_SmsPhoneVerification): ONE timer raced against
// each code the user sends, up to four tries.
const df = require('durable-functions');

df.app.orchestration('smsPhoneVerification', function* (context) {
  const phoneNumber = context.df.getInput();
  const challengeCode = yield context.df.callActivity('sendSmsChallenge', phoneNumber);
  const expiration = new Date(context.df.currentUtcDateTime.getTime() + 180 * 1000);
  const timeoutTask = context.df.createTimer(expiration);

  let authorized = false;
  for (let i = 0; i <= 3; i++) {
    const challengeResponseTask = context.df.waitForExternalEvent('SmsChallengeResponse');
    const winner = yield context.df.Task.any([challengeResponseTask, timeoutTask]);
    if (winner === challengeResponseTask) {
      if (challengeResponseTask.result === challengeCode) {
        authorized = true;
        break;
      }
    } else {
      break;
    }
  }
  if (!timeoutTask.isCompleted) timeoutTask.cancel();
  return authorized;
});

// The sample texts a random code; a deterministic one keeps the test readable: the last four digits.
df.app.activity('sendSmsChallenge', { handler: (phoneNumber) => Number(String(phoneNumber).slice(-4)) });

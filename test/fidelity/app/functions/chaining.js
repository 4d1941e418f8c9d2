// Function chaining (the samples' E1_HelloSequence).
const df = require('durable-functions');

df.app.orchestration('helloSequence', function* (context) {
  const outputs = [];
  outputs.push(yield context.df.callActivity('sayHello', 'Tokyo'));
  outputs.push(yield context.df.callActivity('sayHello', 'Seattle'));
  outputs.push(yield context.df.callActivity('sayHello', 'London'));
  return outputs;
});

df.app.activity('sayHello', { handler: (city) => `Hello ${city}!` });

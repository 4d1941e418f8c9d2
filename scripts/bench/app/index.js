/* eslint-disable @typescript-eslint/no-require-imports, no-undef -- a built CommonJS Functions app, loaded as the host loads it */
// The benchmark shapes as a Functions app (plain JavaScript, like a built app), run on the offline host.
// The same shapes on durabletask-js live in ../host/peer-shapes.ts.
const { app } = require('@azure/functions');
const df = require('durable-functions');

const CITIES = ['Tokyo', 'Seattle', 'London', 'Lagos', 'Lima'];

df.app.orchestration('helloCities', function* (context) {
  const greetings = [];
  for (const city of CITIES) greetings.push(yield context.df.callActivity('sayHello', city));
  return greetings;
});

df.app.orchestration('fanOut', function* (context) {
  const count = context.df.getInput();
  const tasks = [];
  for (let i = 0; i < count; i++) tasks.push(context.df.callActivity('sayHello', `city ${i}`));
  const results = yield context.df.Task.all(tasks);
  return results.length;
});

df.app.activity('sayHello', { handler: async (city) => `Hello, ${city}!` });

// An HTTP starter, as an app starts its work: one helloCities per POST, through the durable client binding.
app.http('startHello', {
  route: 'start/hello',
  methods: ['POST'],
  authLevel: 'anonymous',
  extraInputs: [df.input.durableClient()],
  handler: async (_request, context) => {
    const instanceId = await df.getClient(context).startNew('helloCities');
    return { status: 202, jsonBody: { instanceId } };
  },
});

// The counter entity (the samples' Counter) with a client that signals and reads it over HTTP, and an
// orchestration that calls it.
const { app } = require('@azure/functions');
const df = require('durable-functions');

df.app.entity('counter', (context) => {
  const current = context.df.getState(() => 0);
  switch (context.df.operationName) {
    case 'add':
      context.df.setState(current + context.df.getInput());
      break;
    case 'reset':
      context.df.setState(0);
      break;
    case 'get':
      context.df.return(current);
      break;
  }
});

app.http('counterSignal', {
  route: 'counter/{key}/{op}',
  methods: ['POST'],
  authLevel: 'anonymous',
  extraInputs: [df.input.durableClient()],
  handler: async (request, context) => {
    const client = df.getClient(context);
    const body = await request.text();
    await client.signalEntity(
      new df.EntityId('counter', request.params.key),
      request.params.op,
      body ? JSON.parse(body) : undefined,
    );
    return { status: 202 };
  },
});

app.http('counterRead', {
  route: 'counter/{key}',
  methods: ['GET'],
  authLevel: 'anonymous',
  extraInputs: [df.input.durableClient()],
  handler: async (request, context) => {
    const client = df.getClient(context);
    const state = await client.readEntityState(new df.EntityId('counter', request.params.key));
    return { jsonBody: state };
  },
});

df.app.orchestration('addThenRead', function* (context) {
  const counter = new df.EntityId('counter', context.df.getInput());
  context.df.signalEntity(counter, 'add', 5);
  yield context.df.callEntity(counter, 'add', 10);
  return yield context.df.callEntity(counter, 'get');
});

// The samples' HTTP starter: POST /api/orchestrators/{orchestratorName} with the input as the body.
const { app } = require('@azure/functions');
const df = require('durable-functions');

app.http('httpStart', {
  route: 'orchestrators/{orchestratorName}',
  methods: ['POST'],
  authLevel: 'anonymous',
  extraInputs: [df.input.durableClient()],
  handler: async (request, context) => {
    const client = df.getClient(context);
    const body = await request.text();
    const instanceId = await client.startNew(request.params.orchestratorName, {
      input: body ? JSON.parse(body) : undefined,
    });
    context.log(`Started orchestration with ID = '${instanceId}'.`);
    return client.createCheckStatusResponse(request, instanceId);
  },
});

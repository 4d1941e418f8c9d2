// callHttp (the samples' CallHttpApi): a durable HTTP call, with the 202 + Location polling pattern.
const df = require('durable-functions');

df.app.orchestration('callHttpApi', function* (context) {
  const { url, method } = context.df.getInput();
  const response = yield context.df.callHttp({ method: method ?? 'GET', url });
  return { statusCode: response.statusCode, content: response.content };
});

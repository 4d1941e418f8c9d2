// Fan-out/fan-in (the samples' E2_BackupSiteContent): list the work, run it in parallel, sum the results.
const df = require('durable-functions');

df.app.orchestration('backupSiteContent', function* (context) {
  const files = yield context.df.callActivity('getFileList', context.df.getInput());
  const tasks = files.map((file) => context.df.callActivity('copyFileToBlob', file));
  const sizes = yield context.df.Task.all(tasks);
  return sizes.reduce((sum, size) => sum + size, 0);
});

df.app.activity('getFileList', {
  handler: ({ count }) =>
    Array.from({ length: count }, (_, i) => ({ name: `file-${i}.txt`, size: (i + 1) * 100 })),
});
df.app.activity('copyFileToBlob', { handler: (file) => file.size });

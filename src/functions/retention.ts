import { app, type InvocationContext, type Timer } from '@azure/functions';
import * as df from 'durable-functions';
import { config } from '../config';
import { purgeFinishedIngests } from '../durable/retention';

/** Purges completed ingest instances past INGEST_RETENTION_MINUTES (see src/durable/retention.ts). */
export async function purgeIngestsTick(_timer: Timer, context: InvocationContext): Promise<void> {
  const purged = await purgeFinishedIngests(
    df.getClient(context),
    Date.now(),
    config().INGEST_RETENTION_MINUTES,
  );
  if (purged > 0) context.log(`retention: purged ${purged} completed ingest instance(s)`);
}

app.timer('purgeFinishedIngests', {
  schedule: config().RETENTION_SWEEP_SCHEDULE,
  extraInputs: [df.input.durableClient()],
  handler: purgeIngestsTick,
});

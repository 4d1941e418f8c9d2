import { config } from '../config';
import { accountActivity } from '../durable/entities';
import { registerEntity } from '../durable/typed';
import { appendEvents, liveRecordBoundsFrom } from '../live/record';
import { AccountActivityOps } from '../names';

/**
 * The live account record of one customer (key = customer id): every accepted telemetry event, bounded
 * by retention, count and bytes (src/live/record.ts). Ingest signals it once per customer and batch;
 * investigations, the MCP tools and GET /api/customers/{id}/activity read it.
 */
registerEntity(accountActivity, {
  [AccountActivityOps.append]: (state, { events }) => ({
    state: appendEvents(state, events, liveRecordBoundsFrom(config())).state,
  }),
  [AccountActivityOps.get]: (state) => ({ result: state }),
});

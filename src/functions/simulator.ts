import { app, type InvocationContext, type Timer } from '@azure/functions';
import * as df from 'durable-functions';
import { planIngest, telemetryBusEvent } from '../api/telemetry';
import { config } from '../config';
import { simulatorSettingsFrom, simulatorStep, type SimulatorState } from '../detection/simulator';
import { publish } from '../events/bus';
import { orchestrations } from '../durable/activities';
import { startOrchestration } from '../durable/typed';
import { customers } from '../tools';

/**
 * The telemetry simulator: a timer that feeds seeded, realistic events for the Contoso customers through
 * the same ingest path as POST /api/telemetry. Injected anomalies carry their pattern as ground truth on
 * the stream (for people measuring detection), never in the events the rules and agents see.
 * Registered only when SIMULATOR_ENABLED, so a deployed app with it off has no timer keeping it awake.
 * Its cursor lives in memory: a restart begins a fresh (still seeded) sequence at the current time.
 */
let state: SimulatorState | null = null;

export async function simulatorTick(_timer: Timer, context: InvocationContext): Promise<void> {
  const cfg = config();
  const simCustomers = customers().map((c) => ({
    customerId: c.id,
    homeCountries: c.homeCountries,
    avgTransaction: c.avgTransactionUsd,
    avgDailyMb: c.avgDailyDataGb * 1024,
  }));
  const step = simulatorStep(state, simulatorSettingsFrom(cfg, simCustomers), Date.now());
  state = step.state;
  if (step.events.length === 0) return;

  const truthByEvent = new Map(step.events.map((l) => [l.event, l.truth]));
  const client = df.getClient(context);
  for (const plan of planIngest(
    step.events.map((l) => l.event),
    new Date().toISOString(),
  )) {
    const truth = plan.input.events.flatMap((e) => truthByEvent.get(e) ?? []);
    await startOrchestration(client, orchestrations.ingestTelemetry, plan.instanceId, plan.input);
    publish(
      'telemetry',
      { ...telemetryBusEvent(plan), source: 'simulator', ...(truth.length ? { truth } : {}) },
      { key: plan.instanceId },
    );
  }
  context.log(`simulator: ${step.events.length} events (${step.state.anomalies} anomalies injected so far)`);
}

if (config().SIMULATOR_ENABLED) {
  app.timer('telemetrySimulator', {
    schedule: config().SIMULATOR_SCHEDULE,
    extraInputs: [df.input.durableClient()],
    handler: simulatorTick,
  });
}

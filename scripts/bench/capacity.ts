/**
 * The README capacity table: what one Durable Task Scheduler sustains, computed from work items counted
 * on the offline host (scripts/bench/ingest.bench.ts measures them). Pure: no I/O, no clock.
 *
 * A work item is one unit the scheduler dispatches: an orchestrator episode, an activity execution or an
 * entity operation. DTS meters "actions" at about that grain, so actions/s ÷ work items per event gives
 * events/s. Three ceilings are compared and the lowest is the first bottleneck:
 *   scheduler  – SKU actions/s ÷ (work items per event + cases per event × work items per case)
 *   model      – tokens/minute quota ÷ tokens per case (cases are the only thing that calls a model)
 *   instances  – measured events/s of one app instance × the instance limit (Flex Consumption scale-out)
 */

export interface CapacityInput {
  /** Work items per ingested event (ingest episodes + activities + entity operations ÷ events). */
  workItemsPerEvent: number;
  /** Work items per case (episodes + activity runs + entity operations ÷ cases). */
  workItemsPerCase: number;
  /** Cases opened per ingested event (measured with the simulator's anomaly rate). */
  casesPerEvent: number;
  /** Model tokens per case (measured). */
  tokensPerCase: number;
  /** Model quota assumption, tokens per minute (default 1,000,000). */
  tokensPerMinute?: number;
  /** Events/s one app instance sustains (measured on the offline host; a stand-in for one worker). */
  eventsPerSecondPerInstance: number;
  /** Flex Consumption instance limit (default 100). */
  maxInstances?: number;
}

export interface Sku {
  name: string;
  actionsPerSecond: number;
}

/** DESIGN.md "Scale": Consumption 500 actions/s; Dedicated 2,000 actions/s per capacity unit. */
export const SKUS: readonly Sku[] = [
  { name: 'DTS Consumption', actionsPerSecond: 500 },
  { name: 'DTS Dedicated (1 CU)', actionsPerSecond: 2_000 },
  { name: 'DTS Dedicated (3 CU)', actionsPerSecond: 6_000 },
];

export type Bottleneck = 'scheduler' | 'model quota' | 'instances';

export interface CapacityRow {
  sku: string;
  actionsPerSecond: number;
  /** Events/s the scheduler alone allows (ingest plus the cases those events open). */
  schedulerEventsPerSecond: number;
  /** Cases/hour the scheduler alone allows if it did nothing but cases. */
  schedulerCasesPerHour: number;
  /** Cases/hour the model quota allows. */
  modelCasesPerHour: number;
  /** Events/s the app instances allow. */
  instanceEventsPerSecond: number;
  /** Sustained events/s: the lowest of the three ceilings (cases follow at casesPerEvent). */
  eventsPerSecond: number;
  casesPerHour: number;
  bottleneck: Bottleneck;
}

export function capacityTable(input: CapacityInput, skus: readonly Sku[] = SKUS): CapacityRow[] {
  const tpm = input.tokensPerMinute ?? 1_000_000;
  const instances = input.maxInstances ?? 100;
  const perEvent = input.workItemsPerEvent + input.casesPerEvent * input.workItemsPerCase;
  const modelCasesPerHour = input.tokensPerCase > 0 ? (tpm * 60) / input.tokensPerCase : Infinity;
  const modelEventsPerSecond =
    input.casesPerEvent > 0 ? modelCasesPerHour / 3600 / input.casesPerEvent : Infinity;
  const instanceEventsPerSecond = input.eventsPerSecondPerInstance * instances;
  return skus.map((sku) => {
    const schedulerEventsPerSecond = perEvent > 0 ? sku.actionsPerSecond / perEvent : Infinity;
    const ceilings: Array<[Bottleneck, number]> = [
      ['scheduler', schedulerEventsPerSecond],
      ['model quota', modelEventsPerSecond],
      ['instances', instanceEventsPerSecond],
    ];
    const [bottleneck, eventsPerSecond] = ceilings.reduce((a, b) => (b[1] < a[1] ? b : a));
    return {
      sku: sku.name,
      actionsPerSecond: sku.actionsPerSecond,
      schedulerEventsPerSecond,
      schedulerCasesPerHour:
        input.workItemsPerCase > 0 ? (sku.actionsPerSecond / input.workItemsPerCase) * 3600 : Infinity,
      modelCasesPerHour,
      instanceEventsPerSecond,
      eventsPerSecond,
      casesPerHour: eventsPerSecond * input.casesPerEvent * 3600,
      bottleneck,
    };
  });
}

const n = (v: number) => (Number.isFinite(v) ? Math.round(v).toLocaleString('en-US') : '∞');

/** The table as Markdown, with the assumptions under it (for the README). */
export function capacityMarkdown(input: CapacityInput, skus: readonly Sku[] = SKUS): string {
  const rows = capacityTable(input, skus);
  const lines = [
    '| scheduler | actions/s | events/s (scheduler) | cases/h (scheduler, cases only) | cases/h (model quota) | events/s (instances) | sustained events/s | sustained cases/h | first bottleneck |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---|',
    ...rows.map(
      (r) =>
        `| ${r.sku} | ${n(r.actionsPerSecond)} | ${n(r.schedulerEventsPerSecond)} | ${n(r.schedulerCasesPerHour)} | ${n(r.modelCasesPerHour)} | ${n(r.instanceEventsPerSecond)} | ${n(r.eventsPerSecond)} | ${n(r.casesPerHour)} | ${r.bottleneck} |`,
    ),
    '',
    `Assumptions: ${input.workItemsPerEvent.toFixed(3)} work items per event, ${input.workItemsPerCase.toFixed(1)} per case, ` +
      `${(input.casesPerEvent * 1000).toFixed(2)} cases per 1,000 events, ${n(input.tokensPerCase)} tokens per case, ` +
      `${n(input.tokensPerMinute ?? 1_000_000)} tokens/min model quota, ${n(input.eventsPerSecondPerInstance)} events/s per instance × ${input.maxInstances ?? 100} instances.`,
  ];
  return lines.join('\n');
}

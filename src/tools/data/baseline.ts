import type { CustomerBaseline } from '../../detection/rules.js';
import { isBulkDataEndpoint } from '../../detection/endpoints.js';
import { datasetAt } from './dataset.js';

/**
 * What detection knows about a customer from the shipped history: home countries, averages, the shops
 * bought from, the devices registered or signing in, the busiest day of bulk-data API calls. Computed once
 * per customer and kept with the dataset it came from (at most DATASET_CUSTOMERS entries). Undefined for a
 * customer the dataset does not know: detection then learns from the customer's own live events.
 */
const caches = new WeakMap<object, Map<string, CustomerBaseline | undefined>>();

export function detectionBaseline(customerId: string): CustomerBaseline | undefined {
  const view = datasetAt();
  let cache = caches.get(view.data);
  if (!cache) caches.set(view.data, (cache = new Map()));
  if (cache.has(customerId)) return cache.get(customerId);
  const c = view.customer(customerId);
  let baseline: CustomerBaseline | undefined;
  if (c) {
    const devices = new Set(view.devicesOf(c.id).map((d) => d.deviceId));
    for (const e of view.securityEventsOf(c.id))
      if (e.type === 'login' && e.success && e.device) devices.add(e.device);
    let bulkCallsPerDay = 0;
    const bulk = view.apiUsageOf(c.id).filter((s) => isBulkDataEndpoint(s.endpoint));
    for (let d = 0; d < (bulk[0]?.dailyCalls.length ?? 0); d++)
      bulkCallsPerDay = Math.max(
        bulkCallsPerDay,
        bulk.reduce((n, s) => n + (s.dailyCalls[d] ?? 0), 0),
      );
    baseline = {
      homeCountries: c.homeCountries,
      avgTransaction: c.avgTransactionUsd,
      avgDailyMb: c.avgDailyDataGb * 1024,
      merchants: [...new Set(view.transactionsOf(c.id).map((t) => t.merchant))],
      devices: [...devices],
      bulkCallsPerDay,
    };
  }
  cache.set(customerId, baseline);
  return baseline;
}

import { describe, expect, it } from 'vitest';
import {
  DAY_MS,
  DTS_DEFAULT_RETENTION_DAYS,
  DTS_MAX_RETENTION_DAYS,
  retentionFromSettings,
} from '../../scripts/offline-host/engine/retention';
import { bicepResources, read } from './support';

/**
 * The scheduler's autopurge in Azure (infra/app/dts.bicep) and the offline host's retention
 * (DTS_RETENTION_* settings) are one policy: same resource shape the service documents, same defaults.
 */
const dts = 'infra/app/dts.bicep';

/** `@minValue/@maxValue … param <name> int = <default>` of a Bicep file. */
function intParam(file: string, name: string): { min?: number; max?: number; value: number } {
  const text = read(file);
  const m = new RegExp(`((?:@\\w+\\([^)]*\\)\\s*)*)param ${name} int = (\\d+)`).exec(text);
  if (!m) throw new Error(`${file}: no int param ${name}`);
  const decorators = m[1] ?? '';
  const num = (d: string) => {
    const v = new RegExp(`@${d}\\((\\d+)\\)`).exec(decorators)?.[1];
    return v === undefined ? undefined : Number(v);
  };
  return { min: num('minValue'), max: num('maxValue'), value: Number(m[2]) };
}

describe("the scheduler's retention policies", () => {
  const resource = bicepResources(dts).find(
    (r) => r.type === 'Microsoft.DurableTask/schedulers/retentionPolicies',
  );

  it('are the documented child resource of the scheduler, named default', () => {
    expect(resource, 'retentionPolicies resource in dts.bicep').toBeDefined();
    expect(resource!.apiVersion).toBe('2025-11-01');
    expect(resource!.body).toMatch(/^\s*parent: scheduler$/m);
    expect(resource!.body).toMatch(/^\s*name: 'default'$/m);
    const scheduler = bicepResources(dts).find((r) => r.type === 'Microsoft.DurableTask/schedulers');
    expect(scheduler?.apiVersion).toBe(resource!.apiVersion);
  });

  it('purge every terminal status after retentionDays, a 1-90 day parameter', () => {
    expect(resource!.body).toMatch(
      /retentionPolicies: \[\s*\{\s*retentionPeriodInDays: retentionDays\s*\}\s*\]/,
    );
    // No orchestrationState: the policy applies to Completed, Failed, Terminated and Canceled alike.
    expect(resource!.body).not.toContain('orchestrationState');
    expect(intParam(dts, 'retentionDays')).toEqual({
      min: 1,
      max: DTS_MAX_RETENTION_DAYS,
      value: DTS_DEFAULT_RETENTION_DAYS,
    });
  });

  it('come from main.bicep with the same default and range', () => {
    expect(intParam('infra/main.bicep', 'dtsRetentionDays')).toEqual(intParam(dts, 'retentionDays'));
    expect(read('infra/main.bicep')).toMatch(/^\s*retentionDays: dtsRetentionDays$/m);
  });

  it('match what the offline host applies with no settings, and what it accepts', () => {
    const days = intParam(dts, 'retentionDays');
    const offline = retentionFromSettings({});
    expect(offline).toEqual({
      Completed: days.value * DAY_MS,
      Failed: days.value * DAY_MS,
      Terminated: days.value * DAY_MS,
    });
    expect(() => retentionFromSettings({ DTS_RETENTION_DAYS: String(days.max) })).not.toThrow();
    expect(() => retentionFromSettings({ DTS_RETENTION_DAYS: String(days.max! + 1) })).toThrow(
      /DTS_RETENTION_DAYS/,
    );
  });
});

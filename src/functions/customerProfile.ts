import * as df from 'durable-functions';
import type { EntityContext } from 'durable-functions';
import { z } from 'zod';
import { caseIdFor } from '../cases/types';
import { config } from '../config';
import { loadProfile, withCaseClosed, withOpenCase, type ProfileState } from '../detection/profile';
import { evaluateBatch, type CustomerBaseline } from '../detection/rules';
import { Alert, TelemetryEvent } from '../detection/schema';
import { ruleSettingsFrom } from '../detection/settings';
import { CustomerProfileOps, Entities } from '../names';
import type { ProfileIngestResult } from '../orchestrations/contracts';
import { customerById } from '../tools';

/**
 * Per-customer detection state. Operations on one entity run one at a time, so concurrent batches for
 * the same customer are evaluated in turn and at most one case is ever open per customer.
 */
const IngestInput = z.object({ events: z.array(TelemetryEvent) });
const CaseRef = z.object({ caseId: z.string() });
const Reroute = z.object({ closedCaseId: z.string(), alerts: z.array(Alert) });

export function customerProfileEntity(context: EntityContext<ProfileState>): void {
  const customerId = context.df.entityKey;
  const state = loadProfile(context.df.getState(), customerId);
  switch (context.df.operationName) {
    case CustomerProfileOps.ingest: {
      const parsed = IngestInput.safeParse(context.df.getInput());
      if (!parsed.success) {
        context.df.return({ alerts: [] } satisfies ProfileIngestResult);
        return;
      }
      const evaluation = evaluateBatch(
        state,
        parsed.data.events,
        ruleSettingsFrom(config()),
        baselineOf(customerId),
      );
      const { next, result } = routeAlerts(evaluation.state, [...evaluation.alerts]);
      context.df.setState(next);
      context.df.return(result);
      return;
    }
    case CustomerProfileOps.caseOpened: {
      const ref = CaseRef.safeParse(context.df.getInput());
      if (ref.success) context.df.setState(withOpenCase(state, ref.data.caseId));
      return;
    }
    case CustomerProfileOps.caseClosed: {
      const ref = CaseRef.safeParse(context.df.getInput());
      if (ref.success) context.df.setState(withCaseClosed(state, ref.data.caseId));
      return;
    }
    case CustomerProfileOps.reroute: {
      // The open case finished before these alerts reached it: forget it (if it is still the one) and route
      // them as new, in one operation, so racing ingests agree on a single replacement case.
      const p = Reroute.safeParse(context.df.getInput());
      if (!p.success) {
        context.df.return({ alerts: [] } satisfies ProfileIngestResult);
        return;
      }
      const { next, result } = routeAlerts(withCaseClosed(state, p.data.closedCaseId), p.data.alerts);
      context.df.setState(next);
      context.df.return(result);
      return;
    }
    case CustomerProfileOps.get:
      context.df.return(state);
      return;
    default:
      // Unknown operations change nothing (a signal cannot report an error back).
      return;
  }
}

/** The first alert opens a case unless one is open; every other alert joins the open case as evidence. */
export function routeAlerts(
  state: ProfileState,
  alerts: ProfileIngestResult['alerts'],
): { next: ProfileState; result: ProfileIngestResult } {
  if (alerts.length === 0) return { next: state, result: { alerts } };
  if (state.openCaseId)
    return {
      next: state,
      result: {
        alerts,
        attach: {
          caseId: state.openCaseId,
          alerts,
          ...(state.openCaseAlert ? { opener: state.openCaseAlert } : {}),
        },
      },
    };
  const [first, ...rest] = alerts as [
    ProfileIngestResult['alerts'][number],
    ...ProfileIngestResult['alerts'],
  ];
  const caseId = caseIdFor(first.alertId);
  return {
    next: withOpenCase(state, caseId, first),
    result: {
      alerts,
      startCase: { caseId, alert: first },
      ...(rest.length ? { attach: { caseId, alerts: rest } } : {}),
    },
  };
}

function baselineOf(customerId: string): CustomerBaseline | undefined {
  const c = customerById(customerId);
  return c
    ? {
        homeCountries: c.homeCountries,
        avgTransaction: c.avgTransactionUsd,
        avgDailyMb: c.avgDailyDataGb * 1024,
      }
    : undefined;
}

df.app.entity(Entities.customerProfile, customerProfileEntity);

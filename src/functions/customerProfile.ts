import { caseIdFor } from '../cases/types';
import { config } from '../config';
import { withCaseClosed, withOpenCase, type ProfileState } from '../detection/profile';
import { evaluateBatch, type CustomerBaseline } from '../detection/rules';
import type { Alert } from '../detection/schema';
import { ruleSettingsFrom } from '../detection/settings';
import { customerProfile, type ProfileRoute } from '../durable/entities';
import { registerEntity } from '../durable/typed';
import { CustomerProfileOps } from '../names';
import { customerById } from '../tools';

/**
 * Per-customer detection state. Operations on one entity run one at a time, so concurrent batches for
 * the same customer are evaluated in turn and at most one case is ever open per customer.
 */
registerEntity(customerProfile, {
  [CustomerProfileOps.ingest]: (state, { events }, { key }) => {
    const evaluation = evaluateBatch(state, events, ruleSettingsFrom(config()), baselineOf(key));
    // The rules own the detection fields only: the open case is carried over as it was.
    const detected = {
      ...evaluation.state,
      openCaseId: state.openCaseId,
      openCaseAlert: state.openCaseAlert,
    };
    return routeAlerts(detected, [...evaluation.alerts]);
  },
  [CustomerProfileOps.caseOpened]: (state, { caseId }) => ({ state: withOpenCase(state, caseId) }),
  [CustomerProfileOps.caseClosed]: (state, { caseId }) => ({ state: withCaseClosed(state, caseId) }),
  // The open case finished before these alerts reached it: forget it (if it is still the one) and route
  // them as new, in one operation, so racing ingests agree on a single replacement case.
  [CustomerProfileOps.reroute]: (state, { closedCaseId, alerts }) =>
    routeAlerts(withCaseClosed(state, closedCaseId), alerts),
  [CustomerProfileOps.get]: (state) => ({ result: state }),
});

/** The first alert opens a case unless one is open; every other alert joins the open case as evidence. */
export function routeAlerts(
  state: ProfileState,
  alerts: Alert[],
): { state: ProfileState; result: ProfileRoute } {
  const [first, ...rest] = alerts;
  if (!first) return { state, result: { alerts } };
  if (state.openCaseId)
    return {
      state,
      result: {
        alerts,
        attach: {
          caseId: state.openCaseId,
          alerts,
          ...(state.openCaseAlert ? { opener: state.openCaseAlert } : {}),
        },
      },
    };
  const caseId = caseIdFor(first.alertId);
  return {
    state: withOpenCase(state, caseId, first),
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

import { openManual, release, reroute, routeAlerts, routingOf, takeInbox } from '../cases/routing';
import { config } from '../config';
import { evaluateBatch } from '../detection/rules';
import { ruleSettingsFrom } from '../detection/settings';
import { customerProfile } from '../durable/entities';
import { registerEntity } from '../durable/typed';
import { CustomerProfileOps } from '../names';
import { detectionBaseline } from '../tools';

/**
 * Per-customer detection state and case routing. Operations on one entity run one at a time, so
 * concurrent batches, manual opens and case closes for a customer are decided in turn: at most one case
 * is open per customer, and every alert is read by one case (src/cases/routing.ts).
 */
registerEntity(customerProfile, {
  [CustomerProfileOps.ingest]: (state, { events }, { key }) => {
    const evaluation = evaluateBatch(state, events, ruleSettingsFrom(config()), detectionBaseline(key));
    // The rules own the detection fields; the routing fields are carried over as they were.
    const detected = { ...evaluation.state, ...routingOf(state) };
    return routeAlerts(detected, evaluation.alerts);
  },
  [CustomerProfileOps.route]: (state, { alerts }) => routeAlerts(state, alerts),
  [CustomerProfileOps.openManual]: (state, open) => openManual(state, open),
  [CustomerProfileOps.reroute]: (state, { closedCaseId, manual }) => reroute(state, closedCaseId, manual),
  [CustomerProfileOps.take]: (state, { caseId, final }) => takeInbox(state, caseId, final),
  [CustomerProfileOps.release]: (state, { caseId }) => release(state, caseId),
  [CustomerProfileOps.get]: (state) => ({ result: state }),
});

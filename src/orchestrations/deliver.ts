import * as df from 'durable-functions';
import type { OrchestrationContext, Task } from 'durable-functions';
import type { ManualOpen, Route } from '../cases/routing';
import { activities } from '../durable/activities';
import { customerProfile } from '../durable/entities';
import { call, callEntity } from '../durable/typed';
import { CustomerProfileOps } from '../names';

const DELIVERY_RETRY = new df.RetryOptions(2_000, 5);

/**
 * Carries out a routing decision of the customerProfile entity through the startCase activity. When the
 * target case turns out to have ended without releasing its routing (terminated, failed), the profile
 * routes its unread alerts again — one entity operation, so racing deliveries agree on one replacement.
 * Returns the decision that was finally carried out: when the target had released its routing (nothing
 * to route again), the alerts went where the first decision said (read by it, or handed to its successor).
 */
export function* deliver(
  context: OrchestrationContext,
  customerId: string,
  decided: Route,
  manual?: ManualOpen,
): Generator<Task, Route, unknown> {
  let route = decided;
  for (let attempt = 0; attempt < 3 && (route.startCase || route.attach || route.refused); attempt++) {
    const out = yield* call(
      context,
      activities.startCase,
      { customerId, startCase: route.startCase, attach: route.attach, refused: route.refused },
      { retry: DELIVERY_RETRY },
    );
    if (!out.finishedCaseId) return route;
    const rerouted = yield* callEntity(context, customerProfile, customerId, CustomerProfileOps.reroute, {
      closedCaseId: out.finishedCaseId,
      ...(manual ? { manual } : {}),
    });
    if (!rerouted.startCase && !rerouted.attach && !rerouted.refused) return route;
    route = rerouted;
  }
  return route;
}

/** The case that reads the alerts of a decision. */
export function targetOf(route: Route): string | undefined {
  return (
    route.attach?.nextCaseId ??
    route.startCase?.caseId ??
    route.attach?.caseId ??
    route.openCaseId ??
    undefined
  );
}

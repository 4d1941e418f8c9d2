import { z } from 'zod';
import type { ProfileState } from '../detection/profile';
import { Alert } from '../detection/schema';
import { caseIdFor } from './types';

/**
 * Case routing: the one place that decides which case an alert goes to. These are pure functions over
 * the routing fields of the customerProfile entity, whose operations run one at a time per customer —
 * so every decision below is atomic with respect to every other alert, manual open and case close for
 * that customer.
 *
 * The handshake that loses nothing:
 * - an alert for a customer with an open case joins that case's inbox here (the case view shows it as
 *   waiting at once); otherwise it opens a case (deterministic id) and becomes its opening alert;
 * - the case takes its inbox from here before each round and before any outcome (acting, clearing,
 *   escalating). Its last take is marked final here, in the same operation: from then on an alert for the
 *   customer is kept for the next case — the first one opens it (its id follows from that alert), the rest
 *   join it — and the routing decision names that next case, so the ingest reply tells where the alert
 *   will be read. A take that may clear ("final if empty") is final only when nothing was waiting;
 * - when its outcome is decided the case releases itself here: the profile stops routing to it and the
 *   closing case starts the next case with what was kept for it. An alert is therefore read by the case
 *   it joined, or opens (or joins) the next one — and the reply names that case;
 * - a manual open is one more routing decision: it opens the case, or is refused naming the open one;
 * - a case that ended without releasing (terminated, failed) is found by the next delivery, which asks
 *   for a reroute: its inbox moves to a new case, once, however many deliveries ask.
 */

/** Unread alerts kept per open case; a flood beyond it keeps the newest and counts the rest. */
export const MAX_INBOX = 200;
/** Events kept per inbox alert (the newest; the alert's description says what fired). */
export const MAX_INBOX_EVENTS = 10;

export type RoutingState = Pick<
  ProfileState,
  'openCaseId' | 'openCaseAlert' | 'inbox' | 'inboxDropped' | 'openCaseClosing' | 'nextCaseAlert'
>;

/** The routing fields of a profile (what the rules must carry over unchanged). */
export function routingOf(state: RoutingState): RoutingState {
  const { openCaseId, openCaseAlert, inbox, inboxDropped, openCaseClosing, nextCaseAlert } = state;
  return { openCaseId, openCaseAlert, inbox, inboxDropped, openCaseClosing, nextCaseAlert };
}

/** Who opened a manual case (captured into its input). */
export const ManualOpen = z.object({ alert: Alert, analyst: z.string() });
export type ManualOpen = z.infer<typeof ManualOpen>;

export const StartRequest = z.object({
  caseId: z.string(),
  alert: Alert,
  /** Set when an analyst opened the case by hand. */
  manual: z.object({ analyst: z.string() }).optional(),
});
export type StartRequest = z.infer<typeof StartRequest>;

export const AttachRequest = z.object({
  caseId: z.string(),
  alerts: z.array(Alert).min(1),
  /** The alert that opened the case, in case this delivery is the one that has to start it. */
  opener: Alert.optional(),
  /**
   * The case had read its inbox for the last time: these alerts wait for the next case, named here, which
   * the closing case starts when it releases. The delivery still checks that the closing case runs.
   */
  nextCaseId: z.string().optional(),
});
export type AttachRequest = z.infer<typeof AttachRequest>;

/** A routing decision: what the caller must carry out, and for whom it decided. */
export const Route = z.object({
  alerts: z.array(Alert),
  /** A case to start: the profile already holds it as the customer's open case. */
  startCase: StartRequest.optional(),
  /** Alerts that joined the open case (shown in its session; the case reads them from its inbox). */
  attach: AttachRequest.optional(),
  /** A manual open refused: the customer already has this open case. */
  refused: z.object({ openCaseId: z.string() }).optional(),
  /** The customer's open case after this decision. */
  openCaseId: z.string().nullable().optional(),
});
export type Route = z.infer<typeof Route>;

/**
 * How a take ends the case's reading: `always` — the case acts or escalates next, whatever it reads;
 * `ifEmpty` — the case clears if nothing was waiting, else it reads on.
 */
export const FinalTake = z.enum(['always', 'ifEmpty']);
export type FinalTake = z.infer<typeof FinalTake>;

export const TakeRequest = z.object({ caseId: z.string(), final: FinalTake.optional() });
export type TakeRequest = z.infer<typeof TakeRequest>;

export const Taken = z.object({
  alerts: z.array(Alert),
  dropped: z.number().int().nonnegative(),
  /** This was the case's last take: later alerts go to the next case; the case must now close. */
  final: z.boolean().optional(),
});
export type Taken = z.infer<typeof Taken>;

/** The next case a released case must start, with the alerts it had not read. */
export const StartRoute = z.object({ caseId: z.string(), alert: Alert, alerts: z.array(Alert) });
export type StartRoute = z.infer<typeof StartRoute>;

export const Released = z.object({ next: StartRoute.optional() });
export type Released = z.infer<typeof Released>;

interface Decision<S, R> {
  state: S;
  result: R;
}

/** Detected alerts: the first opens a case unless one is open; every other joins the open case's inbox. */
export function routeAlerts<S extends RoutingState>(state: S, alerts: readonly Alert[]): Decision<S, Route> {
  const list = [...alerts];
  const [first, ...rest] = list;
  if (!first) return { state, result: { alerts: list, openCaseId: state.openCaseId } };
  if (state.openCaseId && state.openCaseClosing) {
    const kept = keepForNext(state, list);
    return {
      state: kept,
      result: {
        alerts: list,
        attach: {
          caseId: state.openCaseId,
          alerts: list,
          ...(kept.nextCaseAlert ? { nextCaseId: caseIdFor(kept.nextCaseAlert.alertId) } : {}),
        },
        openCaseId: state.openCaseId,
      },
    };
  }
  if (state.openCaseId) {
    const next = toInbox(state, list);
    return {
      state: next,
      result: {
        alerts: list,
        attach: {
          caseId: state.openCaseId,
          alerts: list,
          ...(state.openCaseAlert ? { opener: state.openCaseAlert } : {}),
        },
        openCaseId: state.openCaseId,
      },
    };
  }
  const caseId = caseIdFor(first.alertId);
  const opened = toInbox(withOpenCase(state, caseId, first), rest);
  return {
    state: opened,
    result: {
      alerts: list,
      startCase: { caseId, alert: first },
      ...(rest.length ? { attach: { caseId, alerts: rest, opener: first } } : {}),
      openCaseId: caseId,
    },
  };
}

/** A manual open: it opens the case, repeats for a retry of the same open, or is refused. */
export function openManual<S extends RoutingState>(state: S, open: ManualOpen): Decision<S, Route> {
  const caseId = caseIdFor(open.alert.alertId);
  const start = {
    alerts: [open.alert],
    startCase: { caseId, alert: open.alert, manual: { analyst: open.analyst } },
  };
  if (state.openCaseId === caseId) return { state, result: { ...start, openCaseId: caseId } };
  if (state.openCaseId)
    return {
      state,
      result: {
        alerts: [open.alert],
        refused: { openCaseId: state.openCaseId },
        openCaseId: state.openCaseId,
      },
    };
  return { state: withOpenCase(state, caseId, open.alert), result: { ...start, openCaseId: caseId } };
}

/**
 * The open case ended without releasing (a delivery found it finished): forget it and route its unread
 * alerts again — after the manual open that found it, if one did, so that case receives them. A second
 * delivery asking about the same case finds it already replaced and changes nothing.
 */
export function reroute<S extends RoutingState>(
  state: S,
  closedCaseId: string,
  reopening?: ManualOpen,
): Decision<S, Route> {
  // The manual case that ended is not opened again by a late retry of its own open.
  const manual = reopening && caseIdFor(reopening.alert.alertId) !== closedCaseId ? reopening : undefined;
  if (state.openCaseId !== closedCaseId) {
    if (!manual) return { state, result: { alerts: [], openCaseId: state.openCaseId } };
    return openManual(state, manual);
  }
  const unread = unreadOf(state);
  const cleared = withCaseClosed(state, closedCaseId);
  if (!manual) return routeAlerts(cleared, unread);
  if (state.nextCaseAlert) {
    // Replies already named the next case: it opens as promised, and the manual open is decided after it.
    const routed = routeAlerts(cleared, unread);
    const decided = openManual(routed.state, manual);
    return { state: decided.state, result: { ...routed.result, ...decided.result, alerts: unread } };
  }
  const opened = openManual(cleared, manual);
  const joined = routeAlerts(opened.state, unread);
  return {
    state: joined.state,
    result: { ...opened.result, ...(joined.result.attach ? { attach: joined.result.attach } : {}) },
  };
}

/**
 * The case reads its inbox: what it takes is its to weigh, and leaves the profile. A final take also marks
 * the case closing, in the same operation (see the handshake above). A closing case takes nothing more:
 * what waits is the next case's. A case the profile does not route to has nothing to wait for.
 */
export function takeInbox<S extends RoutingState>(
  state: S,
  caseId: string,
  final?: FinalTake,
): Decision<S, Taken> {
  if (state.openCaseId !== caseId || state.openCaseClosing)
    return { state, result: { alerts: [], dropped: 0, ...(final ? { final: true } : {}) } };
  const alerts = state.inbox ?? [];
  const dropped = state.inboxDropped ?? 0;
  const empty = alerts.length === 0 && dropped === 0;
  const last = final === 'always' || (final === 'ifEmpty' && empty);
  const result = { alerts, dropped, ...(final ? { final: last } : {}) };
  if (empty && !last) return { state, result };
  const taken = empty ? state : { ...state, inbox: [], inboxDropped: 0 };
  return { state: last ? { ...taken, openCaseClosing: true, nextCaseAlert: null } : taken, result };
}

/**
 * The case's outcome is decided: stop routing to it. What it has not taken opens the next case (the first
 * unread alert opens it, the rest join it), in this same operation, so no alert falls between the two.
 */
export function release<S extends RoutingState>(state: S, caseId: string): Decision<S, Released> {
  if (state.openCaseId !== caseId) return { state, result: {} };
  const [first, ...rest] = unreadOf(state);
  const cleared = withCaseClosed(state, caseId);
  if (!first) return { state: cleared, result: {} };
  const next = caseIdFor(first.alertId);
  return {
    state: toInbox(withOpenCase(cleared, next, first), rest),
    result: { next: { caseId: next, alert: first, alerts: rest } },
  };
}

/** What waits in this case's inbox: alerts routed to it that it has not read yet (shown as they arrive). */
export function inboxOf(state: RoutingState | undefined, caseId: string): Alert[] {
  return state?.openCaseId === caseId && !state.openCaseClosing ? (state.inbox ?? []) : [];
}

/** Records the case now open for this customer; another open case stays the open one. */
export function withOpenCase<S extends RoutingState>(state: S, caseId: string, opener?: Alert): S {
  if (state.openCaseId && state.openCaseId !== caseId) return state;
  return { ...state, openCaseId: caseId, openCaseAlert: opener ?? state.openCaseAlert ?? null };
}

/** Clears the open case, but only if it is the one named (a stale close changes nothing). */
export function withCaseClosed<S extends RoutingState>(state: S, caseId: string): S {
  return state.openCaseId === caseId
    ? {
        ...state,
        openCaseId: null,
        openCaseAlert: null,
        inbox: [],
        inboxDropped: 0,
        openCaseClosing: false,
        nextCaseAlert: null,
      }
    : state;
}

/** Everything routed to the open case and not read by it, the next case's opener first. */
function unreadOf(state: RoutingState): Alert[] {
  return [...(state.nextCaseAlert ? [state.nextCaseAlert] : []), ...(state.inbox ?? [])];
}

/** The open case is closing: the first new alert will open the next case, the others join it. */
function keepForNext<S extends RoutingState>(state: S, alerts: readonly Alert[]): S {
  if (state.nextCaseAlert) return toInbox(state, alerts);
  const known = new Set([state.openCaseAlert?.alertId, ...(state.inbox ?? []).map((a) => a.alertId)]);
  const [opener, ...rest] = alerts.filter((a) => !known.has(a.alertId));
  if (!opener) return state;
  const trimmed = { ...opener, events: opener.events.slice(-MAX_INBOX_EVENTS) };
  return toInbox({ ...state, nextCaseAlert: trimmed }, rest);
}

function toInbox<S extends RoutingState>(state: S, alerts: readonly Alert[]): S {
  const inbox = state.inbox ?? [];
  const known = new Set([
    state.openCaseAlert?.alertId,
    state.nextCaseAlert?.alertId,
    ...inbox.map((a) => a.alertId),
  ]);
  const fresh = alerts
    .filter((a) => !known.has(a.alertId) && (known.add(a.alertId), true))
    .map((a) => ({ ...a, events: a.events.slice(-MAX_INBOX_EVENTS) }));
  if (fresh.length === 0) return state;
  const all = [...inbox, ...fresh];
  const over = Math.max(0, all.length - MAX_INBOX);
  return { ...state, inbox: all.slice(over), inboxDropped: (state.inboxDropped ?? 0) + over };
}

import { CronExpressionParser } from 'cron-parser';
import { isVirtualClock } from '../clock.js';
import type { AppInvoker, Clock, FunctionInfo } from '../types.js';
import { resolveSettingExpression } from './app-settings.js';

/**
 * Timer triggers: NCRONTAB with six fields (`{second} {minute} {hour} {day} {month} {day-of-week}`),
 * `%SETTING%` resolved from the environment, evaluated in UTC (WEBSITE_TIME_ZONE is not honoured).
 * Like the host, one function never overlaps itself: the next occurrence is computed after a run ends.
 * With the real clock they fire on schedule; with the virtual clock they register as a timer driver, so
 * `clock.advance()` fires every occurrence in time order along with the engine's durable timers;
 * `fire(name)` runs one on demand.
 */
export interface TimerScheduler {
  readonly timers: readonly { name: string; schedule: string }[];
  /** Runs `runOnStartup` timers, then arms every timer (real clock) or attaches to the virtual clock. */
  start(): Promise<void>;
  stop(): Promise<void>;
  fire(name: string, isPastDue?: boolean): Promise<void>;
}

export function parseSchedule(schedule: string): (afterMs: number) => number {
  const fields = schedule.trim().split(/\s+/);
  if (fields.length !== 6) {
    throw new Error(
      `Timer schedule '${schedule}' must be an NCRONTAB expression with 6 fields ({second} {minute} {hour} {day} {month} {day-of-week}); TimeSpan schedules are not supported offline.`,
    );
  }
  CronExpressionParser.parse(schedule, { tz: 'UTC' }); // validate now, not at first use
  return (afterMs) =>
    CronExpressionParser.parse(schedule, { currentDate: new Date(afterMs), tz: 'UTC' })
      .next()
      .getTime();
}

export function createTimerScheduler(opts: {
  functions: readonly FunctionInfo[];
  invoker: AppInvoker;
  clock: Clock;
  log: (line: string) => void;
}): TimerScheduler {
  const timers = opts.functions
    .filter((f) => f.trigger === 'timerTrigger' && f.schedule)
    .map((f) => {
      const schedule = resolveSettingExpression(f.schedule as string);
      return { name: f.name, schedule, runOnStartup: f.runOnStartup === true, next: parseSchedule(schedule) };
    });
  const handles = new Map<string, NodeJS.Timeout>();
  let detach: (() => void) | undefined;
  const running = new Set<Promise<void>>();
  let stopped = false;

  const fire = async (name: string, isPastDue = false): Promise<void> => {
    if (!timers.some((t) => t.name === name))
      throw new Error(
        `No timer trigger named '${name}'. Timer triggers: ${timers.map((t) => t.name).join(', ') || '(none)'}.`,
      );
    const run = opts.invoker.invokeTimer(name, { isPastDue }).catch((err: unknown) => {
      opts.log(`[timer] ${name} failed: ${err instanceof Error ? err.message : String(err)}`);
    });
    running.add(run);
    try {
      await run;
    } finally {
      running.delete(run);
    }
  };

  const arm = (t: (typeof timers)[number]) => {
    if (stopped) return;
    const due = t.next(opts.clock.now());
    // setTimeout holds at most ~24.8 days; re-arm in steps for longer gaps.
    const delay = Math.min(Math.max(0, due - opts.clock.now()), 2 ** 31 - 1);
    const handle = setTimeout(() => {
      handles.delete(t.name);
      if (opts.clock.now() < due) return arm(t);
      const late = opts.clock.now() - due > 1000;
      void fire(t.name, late).finally(() => arm(t));
    }, delay);
    handle.unref?.();
    handles.set(t.name, handle);
  };

  return {
    timers: timers.map(({ name, schedule }) => ({ name, schedule })),
    async start() {
      for (const t of timers) if (t.runOnStartup) await fire(t.name);
      const clock = opts.clock;
      if (!isVirtualClock(clock)) {
        timers.forEach(arm);
        return;
      }
      const dueAt = new Map(timers.map((t) => [t.name, t.next(clock.now())]));
      detach = clock.attach({
        nextDueAt: () => (dueAt.size > 0 ? Math.min(...dueAt.values()) : undefined),
        async fireDue() {
          for (const t of timers) {
            if ((dueAt.get(t.name) ?? Infinity) > clock.now()) continue;
            dueAt.set(t.name, t.next(clock.now()));
            await fire(t.name);
          }
        },
      });
    },
    async stop() {
      stopped = true;
      detach?.();
      handles.forEach((h) => clearTimeout(h));
      handles.clear();
      await Promise.all(running);
    },
    fire,
  };
}

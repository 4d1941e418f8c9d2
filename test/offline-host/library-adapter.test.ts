/**
 * Guards the offline host's reliance on durable-functions and @azure/functions internals
 * (scripts/offline-host/library-adapter.ts): after a library upgrade that changes one, this fails with
 * a message that names the library, what changed, and where the host relies on it.
 */
import { describe, expect, it } from 'vitest';
import {
  LIBRARY_ASSUMPTIONS,
  libraryVersion,
  markRepeatedActions,
} from '../../scripts/offline-host/library-adapter.js';
import { startHost } from './engine/harness.js';

describe('offline host: what it relies on inside durable-functions and @azure/functions', () => {
  for (const assumption of LIBRARY_ASSUMPTIONS) {
    it(`${assumption.library}: ${assumption.what}`, () => {
      const changed = assumption.check();
      const message =
        changed === undefined
          ? undefined
          : `${assumption.library} ${libraryVersion(assumption.library)} changed ${assumption.what}: ${changed}; ` +
            `the offline host relies on it in ${assumption.usedIn}.`;
      expect(message).toBeUndefined();
    });
  }

  it('durable-functions: a task raced twice is the same action object in the returned tree', async () => {
    // markRepeatedActions names re-raced tasks from object identity in the handler's live return value.
    const host = await startHost('shim', { log: () => {} });
    try {
      const warnings: string[] = [];
      const id = await host.engine.startNew('phoneVerification', { input: '+1-555-1234' });
      await host.engine.idle();
      await host.engine.raiseEvent(id, 'SmsChallengeResponse', 1);
      await host.engine.idle();
      const history = host.engine.getHistory(id) ?? [];
      const request = JSON.stringify({
        history: [
          ...history,
          { EventType: 12, EventId: -1, IsPlayed: false, Timestamp: history.at(-1)?.Timestamp },
        ],
        input: '+1-555-1234',
        instanceId: id,
        isReplaying: true,
        upperSchemaVersion: 1,
        upperSchemaVersionNew: 2,
        longRunningTimerIntervalDuration: '3.00:00:00',
        maximumShortTimerDuration: '6.00:00:00',
        defaultHttpAsyncRequestSleepTimeMillseconds: 30000,
      });
      const state = await host.app.invokeOrchestratorJson('phoneVerification', request);
      const groups = state.actions[0] as Array<{ compoundActions?: Array<{ $repeated?: boolean }> }>;
      const reraced = groups.flatMap((a) => a.compoundActions ?? []).filter((a) => a.$repeated);
      if (reraced.length !== 1) warnings.push('no repeated action was recognised');
      expect(
        warnings.length === 0
          ? undefined
          : `durable-functions ${libraryVersion('durable-functions')} changed how a task raced in a second Task.any appears in the action tree (${warnings.join('; ')}); ` +
              'the offline host relies on it in library-adapter.markRepeatedActions to name re-raced tasks in the host log.',
      ).toBeUndefined();
    } finally {
      await host.engine.stop();
    }
  });

  it('marks only repeated action objects, by identity', () => {
    const timer = { actionType: 5 };
    const raw = {
      actions: [
        [
          { actionType: 11, compoundActions: [{ actionType: 6 }, timer] },
          { actionType: 11, compoundActions: [{ actionType: 6 }, timer] },
        ],
      ],
    };
    type Group = { compoundActions: Array<{ $repeated?: boolean }> };
    const state = JSON.parse(JSON.stringify({ isDone: false, ...raw })) as {
      isDone: boolean;
      actions: Group[][];
    };
    markRepeatedActions(raw, state);
    expect(state.actions[0]?.map((g) => g.compoundActions.map((a) => a.$repeated === true))).toEqual([
      [false, false],
      [false, true],
    ]);
  });
});

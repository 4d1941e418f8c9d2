import { afterEach, describe, expect, it } from 'vitest';
import { shape, startHost, type Host } from './harness.js';

describe('offline engine: entities', () => {
  let host: Host | undefined;
  afterEach(async () => {
    await host?.engine.stop();
    host = undefined;
  });

  it('answers entity calls from an orchestration and applies its signals in order', async () => {
    host = await startHost('entities');
    const id = await host.engine.startNew('bookkeeper', { input: 'case-9' });
    await host.engine.idle();

    const status = await host.engine.getStatus(id);
    expect(status?.runtimeStatus).toBe('Completed');
    expect(status?.output).toEqual({ first: 1, second: 3, entries: ['opened', 'signalled', 'closed'] });
    expect(shape(host.engine.getHistory(id))).toEqual([
      'ExecutionStarted',
      'EventSent#0',
      expect.stringMatching(/^EventRaised\([0-9a-f-]{36}\)$/),
      'EventSent#1',
      'EventSent#2',
      expect.stringMatching(/^EventRaised\(/),
      'EventSent#3',
      expect.stringMatching(/^EventRaised\(/),
      'ExecutionCompleted',
    ]);
    const sent = host.engine.getHistory(id)?.find((e) => e.EventType === 14);
    expect(sent).toMatchObject({ InstanceId: '@ledger@case-9', Name: 'op' });
    expect(JSON.parse(String(sent?.Input))).toMatchObject({
      op: 'append',
      signal: false,
      input: '"opened"',
      parent: id,
    });
  });

  it('answers each of many concurrent callers with the result of its own operation', async () => {
    host = await startHost('entities');
    const ids = await Promise.all(
      Array.from({ length: 20 }, (_, n) => host!.engine.startNew('appendOne', { input: `e${n}` })),
    );
    await host.engine.idle();

    const outputs = await Promise.all(ids.map(async (id) => (await host!.engine.getStatus(id))?.output));
    const state = (await host.engine.readEntityState('ledger', 'shared')).state as { entries: string[] };
    for (const output of outputs as Array<{ entry: string; position: number }>) {
      expect(state.entries[output.position - 1]).toBe(output.entry);
    }
    expect(new Set(outputs.map((o) => (o as { position: number }).position)).size).toBe(20);
  });

  it('keeps client signals in FIFO order and persists state readable by readEntityState', async () => {
    host = await startHost('entities');
    for (const n of [1, 2, 3, 4, 5]) await host.engine.signalEntity('Ledger', 'fifo', 'append', `entry-${n}`);
    await host.engine.idle();

    expect(await host.engine.readEntityState('ledger', 'fifo')).toEqual({
      exists: true,
      state: { entries: ['entry-1', 'entry-2', 'entry-3', 'entry-4', 'entry-5'] },
    });
    expect(await host.engine.readEntityState('ledger', 'never-used')).toEqual({ exists: false });
  });

  it('delivers signals one entity sends to another', async () => {
    host = await startHost('entities');
    await host.engine.signalEntity('ledger', 'k1', 'append', 'a');
    await host.engine.signalEntity('ledger', 'k1', 'append', 'b');
    await host.engine.idle();

    expect(await host.engine.readEntityState('counter', 'k1')).toEqual({ exists: true, state: 2 });
  });

  it('surfaces a throwing entity operation to the calling orchestration as an error', async () => {
    host = await startHost('entities');
    const id = await host.engine.startNew('carefulBookkeeper');
    await host.engine.idle();

    expect((await host.engine.getStatus(id))?.output).toEqual({ caught: true });
    const reply = host.engine.getHistory(id)?.find((e) => e.EventType === 15);
    expect(JSON.parse(String(reply?.Input))).toMatchObject({ exceptionType: 'Error' });
  });
});

/**
 * npm run demo: five cases on the real app, offline (offline host, scripted model, no keys).
 * Scenarios 1–4 run in-process on a virtual clock, so the 72-hour deadline passes in milliseconds;
 * scenario 5 runs the host as a child process on a SQLite data directory and SIGKILLs it mid-case.
 * Exits non-zero if any outcome is not the expected one.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startOfflineHost } from '../offline-host/index';
import { ApiClient, type CaseView } from './client';
import { startChildHost } from './child-host';
import { Printer } from './print';
import { startWebhookReceiver } from './webhook';

const ROOT = path.resolve(__dirname, '..', '..');
const KEY = 'demo-function-key';
const MASTER = 'demo-master-key';
const HOUR = 3_600_000;
const out = new Printer();
const failures: string[] = [];

function expect(what: string, ok: boolean) {
  out.check(what, ok);
  if (!ok) failures.push(what);
}

function alertBody(customerId: string, description: string, amount: number) {
  return {
    customerId,
    description,
    severity: 'high',
    events: [
      {
        type: 'transaction',
        customerId,
        timestamp: '2026-03-31T10:00:00Z',
        amount,
        merchant: 'Electronics Hub',
      },
    ],
  };
}

async function inProcessScenarios(webhookUrl: string, deliveries: () => Map<string, number>) {
  const host = await startOfflineHost({
    appDir: ROOT,
    port: 0,
    inMemory: true,
    clock: 'virtual',
    functionKey: KEY,
    masterKey: MASTER,
    appLog: () => undefined, // the transcript below says what happened; the app's own log would drown it
    env: {
      SIMULATOR_ENABLED: 'false',
      DURABLE_TASK_SCHEDULER_CONNECTION_STRING: '',
      ACTION_WEBHOOK_URL: webhookUrl,
    },
  });
  const api = new ApiClient(host.baseUrl, KEY, MASTER);
  try {
    out.scenario(1, 'Low risk: the investigation clears the alert by itself', 'C001');
    let id = await api.openCase(alertBody('C001', 'Card purchase slightly above usual', 95));
    let c = await api.waitFor(id, (v) => v.stage === 'closed');
    out.case(c);
    expect(
      'auto-cleared with no analyst and no action',
      c.outcome === 'auto_cleared' && c.decisions.length === 0,
    );

    out.scenario(2, 'High risk: the analyst approves, the account is locked once', 'C013');
    id = await api.openCase(alertBody('C013', 'Two phones bought and shipped abroad', 2398));
    c = await api.waitFor(id, (v) => v.stage === 'awaiting_decision');
    out.case(c);
    out.say(
      `analyst approves lock_account → HTTP ${(await api.decide(id, { decision: 'approve', action: 'lock_account', round: 1, analyst: 'alice' })).status}`,
    );
    out.say(
      `the same approval posted again → HTTP ${(await api.decide(id, { decision: 'approve', action: 'lock_account', round: 1, analyst: 'alice' })).status}`,
    );
    c = await api.waitFor(id, (v) => v.stage === 'closed');
    out.case(c);
    let ledger = await api.ledger('C013');
    out.say(
      `ledger: ${ledger.entries.map((e) => e.idempotencyKey).join(', ')}; webhook deliveries: ${deliveries().size}`,
    );
    expect(
      'action executed, exactly one ledger entry',
      c.outcome === 'action_executed' && ledger.entries.length === 1 && ledger.locked,
    );

    out.scenario(3, 'Rejected with feedback: a second round reads the feedback, then approval', 'C042');
    id = await api.openCase(alertBody('C042', 'Financed devices shipped to a new country', 1800));
    c = await api.waitFor(id, (v) => v.stage === 'awaiting_decision');
    out.case(c);
    const feedback = 'Check the billing history and the shipping addresses before locking.';
    out.say(
      `analyst rejects: "${feedback}" → HTTP ${(await api.decide(id, { decision: 'reject', feedback, round: 1, analyst: 'bob' })).status}`,
    );
    c = await api.waitFor(id, (v) => v.stage === 'awaiting_decision' && v.round === 2);
    out.case(c);
    const quoted = c.conversation
      .filter((e) => e.round === 2)
      .some((e) => JSON.stringify(e.messages).includes('shipping addresses'));
    out.say(`round 2 prompts quote the feedback: ${quoted ? 'yes' : 'NO'}`);
    out.say(
      `analyst approves both → HTTP ${(await api.decide(id, { decision: 'approve', action: 'both', round: 2, analyst: 'bob' })).status}`,
    );
    c = await api.waitFor(id, (v) => v.stage === 'closed');
    out.case(c);
    ledger = await api.ledger('C042');
    expect(
      'round 2 saw the feedback; lock + refund applied once each',
      quoted && c.outcome === 'action_executed' && ledger.entries.length === 2,
    );

    out.scenario(
      4,
      'Nobody decides: the 72-hour deadline passes (virtual clock) and the case escalates',
      'C045',
    );
    id = await api.openCase(alertBody('C045', 'Login from a new country on a new device', 60));
    c = await api.waitFor(id, (v) => v.stage === 'awaiting_decision');
    out.case(c);
    await host.advance(71 * HOUR);
    out.say(`71 h later the case is still ${(await api.getCase(id)).stage}`);
    await host.advance(1 * HOUR);
    c = await api.waitFor(id, (v) => v.stage === 'closed');
    out.case(c);
    expect(
      'escalated on timeout, nothing executed',
      c.outcome === 'escalated_timeout' && (await api.ledger('C045')).entries.length === 0,
    );
  } finally {
    await host.stop();
  }
}

async function killAndRecover(webhookUrl: string, deliveries: () => Map<string, number>) {
  out.scenario(5, 'Kill and recover: SIGKILL the host while the case waits, restart, decide', 'C013');
  deliveries().clear();
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'fraud-demo-'));
  const env = {
    LOCAL_FUNCTION_KEY: KEY,
    LOCAL_MASTER_KEY: MASTER,
    SIMULATOR_ENABLED: 'false',
    DURABLE_TASK_SCHEDULER_CONNECTION_STRING: '',
    ACTION_WEBHOOK_URL: webhookUrl,
  };
  try {
    let child = await startChildHost(ROOT, dataDir, env);
    out.say(`host pid ${child.pid} on ${child.baseUrl}, data in ${dataDir}`);
    let api = new ApiClient(child.baseUrl, KEY, MASTER);
    const id = await api.openCase(alertBody('C013', 'Password changed and MFA disabled from abroad', 1199));
    let c = await api.waitFor(id, (v) => v.stage === 'awaiting_decision');
    out.case(c);
    await child.kill();
    out.say(`SIGKILL → host pid ${child.pid} is gone (nothing flushed, nothing said goodbye)`);

    child = await startChildHost(ROOT, dataDir, env);
    api = new ApiClient(child.baseUrl, KEY, MASTER);
    c = await api.getCase(id);
    out.say(`restarted as pid ${child.pid}: case is ${c.stage}, round ${c.round}, deadline ${c.deadline}`);
    out.say(
      `analyst approves lock_account → HTTP ${(await api.decide(id, { decision: 'approve', action: 'lock_account', round: 1, analyst: 'carol' })).status}`,
    );
    c = await api.waitFor(id, (v) => v.stage === 'closed');
    out.case(c);
    const ledger = await api.ledger('C013');
    const sent = [...deliveries()].filter(([key]) => key.startsWith(id));
    out.say(
      `ledger entries: ${ledger.entries.length}; webhook deliveries for this case: ${sent.map(([k, n]) => `${k} ×${n}`).join(', ')}`,
    );
    await child.stop();
    expect(
      'survived SIGKILL; locked exactly once',
      c.outcome === 'action_executed' && ledger.entries.length === 1 && sent.length === 1,
    );
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function main() {
  out.title();
  const webhook = await startWebhookReceiver();
  try {
    await inProcessScenarios(webhook.url, () => webhook.deliveries);
    await killAndRecover(webhook.url, () => webhook.deliveries);
  } finally {
    await webhook.close();
  }
  out.summary(failures);
  process.exit(failures.length ? 1 : 0);
}

export type { CaseView };
main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OfflineHost } from '../../scripts/offline-host/index';
import { waitForCase } from '../support/app';
import { rawRequest } from '../support/raw-http';
import { call, COMPROMISED, snapshot, startApi } from './support';

/**
 * Nobody in without a key: the durable client channel serves the app alone, the Durable HTTP API needs
 * the system or master key (as in Azure), and request paths are normalised before any of that is decided.
 */
let host: OfflineHost;
let port: number;
let caseId: string;
beforeAll(async () => {
  host = await startApi();
  port = Number(new URL(host.baseUrl).port);
  const r = await call(host, 'POST', '/api/cases', {
    body: { customerId: COMPROMISED, description: 'card testing seen by the bank' },
  });
  expect(r.status, r.text).toBe(202);
  caseId = r.json.caseId as string;
  await waitForCase(host, caseId, 'awaiting_decision');
});
afterAll(() => host?.stop());

const approval = (round = 1) =>
  JSON.stringify({
    decisionId: 'forged',
    decision: 'approve',
    action: 'lock_account',
    round,
    analyst: 'mallory',
    decidedAt: new Date().toISOString(),
  });

describe("the app's own port", () => {
  it('does not serve the durable client channel, however the path is spelled', async () => {
    const before = await snapshot(host, [COMPROMISED], true);
    const targets = [
      '/durabletask/instances/',
      `/durabletask/instances/${caseId}/raiseEvent/AnalystDecision`,
      '/api/cases/../../durabletask/instances/',
      '/api/cases/%2e%2e/%2E%2E/durabletask/instances/',
      '/api/./cases/../../durabletask/instances/',
      '//evil.example/durabletask/instances/',
      `http://127.0.0.1:${port}/durabletask/instances/`,
    ];
    for (const target of targets) {
      for (const key of [undefined, host.functionKey, host.masterKey]) {
        const get = await rawRequest(port, {
          method: 'GET',
          target,
          headers: key ? { 'x-functions-key': key } : {},
        });
        expect(get.status, `GET ${target}`).toBe(404);
      }
      const post = await rawRequest(port, {
        method: 'POST',
        target: target.endsWith('/') ? `${target}${caseId}/raiseEvent/AnalystDecision` : target,
        headers: { 'content-type': 'text/plain', origin: 'http://evil.example' },
        body: approval(),
      });
      expect(post.status, `POST ${target}`).toBe(404);
    }
    expect(await snapshot(host, [COMPROMISED], true)).toBe(before);
  });

  it('routes a normalised path to the app: dot segments resolve before the route and its key are chosen', async () => {
    const noKey = await rawRequest(port, { method: 'GET', target: '/api/health/../cases' });
    expect(noKey.status).toBe(401);
    const withKey = await rawRequest(port, {
      method: 'GET',
      target: '/api/health/../cases',
      headers: { 'x-functions-key': host.functionKey },
    });
    expect(withKey.status).toBe(200);
    expect(JSON.parse(withKey.body)).toBeInstanceOf(Object);
  });

  it('opens the Durable HTTP API to the system key (durabletask_extension) and the master key only', async () => {
    const list = (key?: string) =>
      fetch(`${host.baseUrl}/runtime/webhooks/durabletask/instances/${caseId}${key ? `?code=${key}` : ''}`);
    expect((await list()).status).toBe(401);
    expect((await list(host.functionKey)).status).toBe(401);
    expect((await list('not-a-key')).status).toBe(401);
    expect((await list(host.systemKey)).status).toBe(202); // running
    expect((await list(host.masterKey)).status).toBe(202);
    const traversal = await rawRequest(port, {
      method: 'GET',
      target: `/api/cases/../../runtime/webhooks/durabletask/instances/${caseId}`,
      headers: { 'x-functions-key': host.functionKey },
    });
    expect(traversal.status).toBe(401);
  });
});

describe('the durable client channel', () => {
  const channel = () => new URL(host.clientChannelUrl);

  it('listens on its own loopback port with a secret in the path', () => {
    const u = channel();
    expect(u.hostname).toBe('127.0.0.1');
    expect(u.port).not.toBe(String(port));
    expect(u.pathname).toMatch(/^\/durabletask\/[A-Za-z0-9_-]{40,}\/$/);
  });

  it('refuses keyless requests: the path without the secret, or with a wrong one, is a 404', async () => {
    const before = await snapshot(host, [COMPROMISED], true);
    const rpcPort = Number(channel().port);
    for (const target of [
      '/durabletask/instances/',
      `/durabletask/instances/${caseId}/raiseEvent/AnalystDecision`,
      `/durabletask/wrong-secret/instances/${caseId}/raiseEvent/AnalystDecision`,
      `${channel().pathname}../instances/${caseId}/raiseEvent/AnalystDecision`,
    ]) {
      const r = await rawRequest(rpcPort, {
        method: 'POST',
        target,
        headers: { 'content-type': 'application/json' },
        body: approval(),
      });
      expect(r.status, target).toBe(404);
    }
    expect(await snapshot(host, [COMPROMISED], true)).toBe(before);
  });

  it('refuses what a browser sends, even with the secret: cross-site simple requests and rebound host names', async () => {
    const before = await snapshot(host, [COMPROMISED], true);
    const rpcPort = Number(channel().port);
    const raise = `${channel().pathname}instances/${caseId}/raiseEvent/AnalystDecision`;
    const attempts: Array<Record<string, string>> = [
      // A form or no-cors fetch from another site: text/plain, no preflight.
      { 'content-type': 'text/plain', origin: 'http://evil.example' },
      { 'content-type': 'application/json', origin: 'null' },
      { 'content-type': 'text/plain', 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'no-cors' },
      // DNS rebinding: the page's own host name resolving to 127.0.0.1.
      { 'content-type': 'application/json', host: `rebound.example:${rpcPort}` },
    ];
    for (const headers of attempts) {
      const r = await rawRequest(rpcPort, { method: 'POST', target: raise, headers, body: approval() });
      expect(r.status, JSON.stringify(headers)).toBe(403);
    }
    const start = await rawRequest(rpcPort, {
      method: 'POST',
      target: `${channel().pathname}orchestrators/investigateCase/case-forged`,
      headers: { 'content-type': 'text/plain', origin: 'http://evil.example' },
      body: '{}',
    });
    expect(start.status).toBe(403);
    expect(await snapshot(host, [COMPROMISED], true)).toBe(before);
    expect(await host.engine.getStatus('case-forged')).toBeUndefined();
  });

  it("serves the app's own client: the API still reads and decides cases", async () => {
    const r = await call(host, 'GET', `/api/cases/${caseId}`);
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ caseId, stage: 'awaiting_decision' });
  });
});

describe('a decision to a suspended case', () => {
  it('is answered 409 "suspended" and raises nothing; after resume the same decision is accepted', async () => {
    const code = `code=${host.systemKey}`;
    const suspend = await fetch(
      `${host.baseUrl}/runtime/webhooks/durabletask/instances/${caseId}/suspend?reason=audit&${code}`,
      { method: 'POST' },
    );
    expect(suspend.status).toBe(202);
    await host.waitForStatus(caseId, ['Suspended']);
    const before = await snapshot(host, [COMPROMISED], true);

    const body = { decision: 'approve', action: 'lock_account', round: 1, analyst: 'ana' };
    const refused = await call(host, 'POST', `/api/cases/${caseId}/decision`, { body });
    expect(refused.status, refused.text).toBe(409);
    expect(refused.json).toMatchObject({
      error: expect.stringContaining('suspended'),
      details: { suspended: true, stage: 'awaiting_decision', round: 1 },
    });
    expect(await snapshot(host, [COMPROMISED], true)).toBe(before);

    await fetch(`${host.baseUrl}/runtime/webhooks/durabletask/instances/${caseId}/resume?${code}`, {
      method: 'POST',
    });
    await host.waitForStatus(caseId, ['Running']);
    const accepted = await call(host, 'POST', `/api/cases/${caseId}/decision`, { body });
    expect(accepted.status, accepted.text).toBe(202);
    const closed = await waitForCase(host, caseId, 'closed');
    expect(closed.outcome).toBe('action_executed');
  });
});

import { InvocationContext } from '@azure/functions';
import { describe, expect, it } from 'vitest';
import { badRequest, tooLarge } from '../../../src/api/errors';
import { withApiErrors } from '../../../src/api/handler';
import { ConfigError } from '../../../src/config';
import { jsonRequest } from './support';

const context = () =>
  new InvocationContext({ functionName: 'httpTest', invocationId: 'inv-1', logHandler: () => undefined });
const body = (r: { body?: unknown }) => JSON.parse(r.body as string) as Record<string, unknown>;

describe('handler wrapper', () => {
  it('turns ApiErrors into their status with a JSON body', async () => {
    const r = await withApiErrors(async () => {
      throw badRequest('bad', [{ path: 'a', message: 'x' }]);
    })(jsonRequest('{}'), context());
    expect(r.status).toBe(400);
    expect(body(r)).toEqual({ error: 'bad', details: [{ path: 'a', message: 'x' }] });
    const t = await withApiErrors(async () => {
      throw tooLarge('big');
    })(jsonRequest('{}'), context());
    expect(t.status).toBe(413);
  });

  it('answers 503 naming the setting when the configuration is invalid', async () => {
    const r = await withApiErrors(async () => {
      throw new ConfigError('Invalid app settings:\n  RISK_THRESHOLD: too big');
    })(jsonRequest('{}'), context());
    expect(r.status).toBe(503);
    expect(JSON.stringify(body(r))).toContain('RISK_THRESHOLD');
  });

  it('hides unexpected errors behind the invocation id', async () => {
    const r = await withApiErrors(async () => {
      throw new Error('secret stack detail');
    })(jsonRequest('{}'), context());
    expect(r.status).toBe(500);
    expect(body(r)).toEqual({ error: 'internal error', details: { invocationId: 'inv-1' } });
  });
});

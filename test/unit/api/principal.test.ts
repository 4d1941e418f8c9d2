import { describe, expect, it } from 'vitest';
import { analystIdentity, principalName } from '../../../src/api/principal';

const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64');
const headers = (h: Record<string, string>) => new Headers(h);

describe('analyst identity', () => {
  it('reads the name claim App Service names in name_typ', () => {
    const p = {
      auth_typ: 'aad',
      name_typ: 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name',
      claims: [{ typ: 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name', val: 'ana@contoso.com' }],
    };
    expect(principalName(b64(p))).toBe('ana@contoso.com');
  });

  it('falls back to common claims and the Static Web Apps shape', () => {
    expect(principalName(b64({ claims: [{ typ: 'preferred_username', val: 'bob' }] }))).toBe('bob');
    expect(principalName(b64({ identityProvider: 'github', userDetails: 'carol' }))).toBe('carol');
  });

  it('prefers the Easy Auth principal over the body', () => {
    const h = headers({ 'x-ms-client-principal': b64({ claims: [{ typ: 'name', val: 'ana' }] }) });
    expect(analystIdentity(h, 'mallory')).toEqual({ analyst: 'ana', source: 'easy-auth' });
    expect(analystIdentity(headers({ 'x-ms-client-principal-name': 'dan' }), 'mallory')).toEqual({
      analyst: 'dan',
      source: 'easy-auth',
    });
  });

  it('uses the body, then anonymous, when no principal is present or it is garbage', () => {
    expect(analystIdentity(headers({}), ' eve ')).toEqual({ analyst: 'eve', source: 'body' });
    expect(analystIdentity(headers({ 'x-ms-client-principal': 'not base64 json!!' }))).toEqual({
      analyst: 'anonymous',
      source: 'anonymous',
    });
    expect(analystIdentity(headers({ 'x-ms-client-principal': b64([1, 2]) }), undefined).source).toBe(
      'anonymous',
    );
    expect(
      analystIdentity(headers({ 'x-ms-client-principal': b64({ claims: 'x' }) }), undefined).source,
    ).toBe('anonymous');
  });

  it('strips control characters and bounds the length', () => {
    expect(analystIdentity(headers({}), 'a\u0000b\nc').analyst).toBe('abc');
    expect(analystIdentity(headers({}), 'x'.repeat(500)).analyst).toHaveLength(200);
  });
});

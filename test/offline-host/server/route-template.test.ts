import { describe, expect, it } from 'vitest';
import { createHttpRouteTable } from '../../../scripts/offline-host/server/http-routes.js';
import { parseRouteTemplate } from '../../../scripts/offline-host/server/route-template.js';
import type { FunctionInfo } from '../../../scripts/offline-host/types.js';

const http = (name: string, route: string | undefined, methods?: string[]): FunctionInfo => ({
  name,
  trigger: 'httpTrigger',
  route,
  methods,
  authLevel: 'anonymous',
  inputs: [],
  metadata: {},
});

describe('route templates', () => {
  it('captures named parameters, URL-decoded, and matches literals case-insensitively', () => {
    const t = parseRouteTemplate('cases/{caseId}/notes');
    expect(t.match('/Cases/a%20b/NOTES')).toEqual({ caseId: 'a b' });
    expect(t.match('/cases/a/other')).toBeUndefined();
    expect(t.match('/cases/a')).toBeUndefined();
  });

  it('lets an optional parameter be absent and applies defaults', () => {
    expect(parseRouteTemplate('hello/{name?}').match('/hello')).toEqual({});
    expect(parseRouteTemplate('hello/{name?}').match('/hello/ann')).toEqual({ name: 'ann' });
    expect(parseRouteTemplate('page/{n:int=1}').match('/page')).toEqual({ n: '1' });
  });

  it('enforces constraints, including chained and parameterised ones', () => {
    const t = parseRouteTemplate('items/{id:int:min(10)}');
    expect(t.match('/items/12')).toEqual({ id: '12' });
    expect(t.match('/items/9')).toBeUndefined();
    expect(t.match('/items/abc')).toBeUndefined();
    expect(parseRouteTemplate('x/{code:regex(^[A-Z]{{3}}$)}').match('/x/ABC')).toBeDefined();
    expect(parseRouteTemplate('g/{id:guid}').match('/g/not-a-guid')).toBeUndefined();
    expect(parseRouteTemplate('g/{id:guid}').match('/g/1b4e28ba-2fa1-11d2-883f-0016d3cca427')).toBeDefined();
  });

  it('collects the rest of the path into a catch-all parameter', () => {
    expect(parseRouteTemplate('files/{*path}').match('/files/a/b/c.txt')).toEqual({ path: 'a/b/c.txt' });
  });

  it('rejects unknown constraints with a message naming the supported ones', () => {
    expect(() => parseRouteTemplate('x/{id:nope}')).toThrow(/Unsupported route constraint 'nope'/);
  });
});

describe('route table', () => {
  const table = createHttpRouteTable([
    http('byId', 'items/{id:int}', ['GET']),
    http('bySlug', 'items/{slug}', ['GET']),
    http('create', 'items', ['POST']),
    http('literal', 'items/new', ['GET']),
    http('defaultRoute', undefined),
  ]);

  it('prefers literal segments, then constrained parameters, then plain parameters', () => {
    expect(table.match('GET', '/api/items/new')).toMatchObject({ kind: 'found', fn: { name: 'literal' } });
    expect(table.match('GET', '/api/items/42')).toMatchObject({
      kind: 'found',
      fn: { name: 'byId' },
      params: { id: '42' },
    });
    expect(table.match('GET', '/api/items/abc')).toMatchObject({ kind: 'found', fn: { name: 'bySlug' } });
  });

  it('routes a function without a route at its name, for every method', () => {
    expect(table.match('PATCH', '/api/defaultRoute')).toMatchObject({
      kind: 'found',
      fn: { name: 'defaultRoute' },
    });
  });

  it('reports the allowed methods when only the method is wrong, and not-found otherwise', () => {
    expect(table.match('GET', '/api/items')).toEqual({ kind: 'method-not-allowed', allowed: ['POST'] });
    expect(table.match('GET', '/api/nothing')).toEqual({ kind: 'not-found' });
    expect(table.match('GET', '/items/42')).toEqual({ kind: 'not-found' });
  });

  it('honours a custom and an empty route prefix', () => {
    expect(createHttpRouteTable([http('a', 'x')], 'v1').match('GET', '/v1/x')).toMatchObject({
      kind: 'found',
    });
    expect(createHttpRouteTable([http('a', 'x')], '').match('GET', '/x')).toMatchObject({ kind: 'found' });
    expect(createHttpRouteTable([http('a', 'x')], '').pathOf(http('a', 'x'))).toBe('/x');
  });
});

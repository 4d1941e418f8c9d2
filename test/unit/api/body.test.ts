import { describe, expect, it } from 'vitest';
import {
  assertJsonContentType,
  findLoneSurrogate,
  parseJsonBytes,
  readBodyLimited,
  readJsonBody,
} from '../../../src/api/body';
import { ApiError } from '../../../src/api/errors';
import { jsonRequest, streamSource } from './support';

async function statusOf(p: Promise<unknown> | (() => unknown)): Promise<number | 'ok'> {
  try {
    await (typeof p === 'function' ? p() : p);
    return 'ok';
  } catch (e) {
    if (e instanceof ApiError) return e.status;
    throw e;
  }
}

describe('JSON request bodies', () => {
  it.each([
    ['application/json', 'ok'],
    ['application/json; charset=utf-8', 'ok'],
    ['Application/JSON;charset="UTF-8"', 'ok'],
    [null, 415],
    ['text/plain', 415],
    ['application/x-www-form-urlencoded', 415],
    ['application/json; charset=latin1', 415],
    ['application/jsonp', 415],
  ])('content type %s → %s', async (ct, expected) => {
    expect(await statusOf(() => assertJsonContentType(ct))).toBe(expected);
  });

  it('refuses a declared Content-Length over the limit without reading the body', async () => {
    const src = streamSource([new Uint8Array(10)], {
      'content-type': 'application/json',
      'content-length': '2000',
    });
    expect(await statusOf(readBodyLimited(src, 1000))).toBe(413);
    // (A ReadableStream pre-pulls one chunk on construction; the helper itself reads nothing.)
    expect(src.pulled).toBeLessThanOrEqual(1);
  });

  it('counts the bytes actually read when Content-Length is absent or lies', async () => {
    const chunks = Array.from({ length: 10 }, () => new Uint8Array(300));
    const lying = streamSource(chunks, { 'content-type': 'application/json', 'content-length': '10' });
    expect(await statusOf(readBodyLimited(lying, 1000))).toBe(413);
    // Past the limit it drains the rest without keeping it (cancelling would destroy the connection the
    // request came on, and the 413 with it).
    expect(lying.pulled).toBeGreaterThanOrEqual(chunks.length);
    expect(await statusOf(readBodyLimited(streamSource(chunks), 3000))).toBe('ok');
  });

  it('accepts a body of exactly the limit', async () => {
    const body = JSON.stringify({ a: 'x'.repeat(92) });
    expect(Buffer.byteLength(body)).toBe(100);
    await expect(readJsonBody(jsonRequest(body), 100)).resolves.toEqual({ a: 'x'.repeat(92) });
    expect(await statusOf(readJsonBody(jsonRequest(body), 99))).toBe(413);
  });

  it.each([
    ['empty', ''],
    ['malformed', '{"events": ['],
    ['trailing garbage', '{} x'],
    ['single quotes', "{'a': 1}"],
    ['NaN', '{"a": NaN}'],
  ])('answers 400 for a %s body', async (_name, body) => {
    expect(await statusOf(readJsonBody(jsonRequest(body), 1000))).toBe(400);
  });

  it('answers 400 for bytes that are not UTF-8', () => {
    expect(() => parseJsonBytes(new Uint8Array([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]))).toThrow(
      /not valid UTF-8/,
    );
  });

  it('answers 400 for nesting deep enough to exhaust the parser, never a crash', async () => {
    const deep = '['.repeat(200_000) + ']'.repeat(200_000);
    const status = await statusOf(() => parseJsonBytes(Buffer.from(deep)));
    // V8 parses this iteratively today; either way no RangeError escapes.
    expect([400, 'ok']).toContain(status);
  });

  it('names the field holding a lone surrogate', () => {
    const err = (() => {
      try {
        parseJsonBytes(Buffer.from('{"events":[{"merchant":"a\\ud800b"}]}'));
      } catch (e) {
        return e as ApiError;
      }
    })();
    expect(err?.status).toBe(400);
    expect(err?.details).toEqual([{ path: 'events[0].merchant', message: 'not well-formed Unicode' }]);
  });

  it('accepts RTL, zero-width and emoji text and surrogate pairs', () => {
    expect(findLoneSurrogate({ a: '\u202Eabc\u200B🙂', b: ['\ud83d\ude42'] })).toBeUndefined();
    expect(findLoneSurrogate({ ['k\udc00']: 1 })).toBe('k\udc00');
  });
});

import type { HttpResponseInit } from '@azure/functions';
import type { z } from 'zod';

/** One problem with one field of a request, e.g. `{path: 'events[3].amount', message: 'expected number'}`. */
export interface FieldError {
  path: string;
  message: string;
}

/** The body of every error response: what was wrong and, where it helps, which fields. */
export interface ErrorBody {
  error: string;
  details?: unknown;
}

/** Thrown by request helpers and handlers; the handler wrapper turns it into a JSON response. */
export class ApiError extends Error {
  override name = 'ApiError';
  constructor(
    readonly status: number,
    message: string,
    readonly details?: unknown,
    readonly headers?: Record<string, string>,
  ) {
    super(message);
  }
}

export const badRequest = (message: string, details?: unknown) => new ApiError(400, message, details);
export const notFound = (message: string) => new ApiError(404, message);
export const conflict = (message: string, details?: unknown) => new ApiError(409, message, details);
export const tooLarge = (message: string, details?: unknown) => new ApiError(413, message, details);
export const unsupportedMediaType = (message: string) => new ApiError(415, message);
export const unavailable = (message: string, details?: unknown) => new ApiError(503, message, details);

const JSON_HEADERS = { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' };

export function jsonResponse(
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): HttpResponseInit {
  return { status, headers: { ...JSON_HEADERS, ...headers }, body: JSON.stringify(body) };
}

export function errorResponse(
  status: number,
  error: string,
  details?: unknown,
  headers?: Record<string, string>,
): HttpResponseInit {
  const body: ErrorBody = details === undefined ? { error } : { error, details };
  return jsonResponse(status, body, headers);
}

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/** `['events', 3, 'amount']` → `events[3].amount`; odd keys are quoted: `events[0]["a b"]`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else {
      const key = String(part);
      if (IDENTIFIER.test(key)) out += out === '' ? key : `.${key}`;
      else out += `[${JSON.stringify(key)}]`;
    }
  }
  return out === '' ? '(body)' : out;
}

/** zod issues → field errors a client can show next to the field. Unknown keys get one entry each. */
export function zodFieldErrors(error: z.ZodError, prefix: readonly PropertyKey[] = []): FieldError[] {
  const out: FieldError[] = [];
  for (const issue of error.issues) {
    const path = [...prefix, ...issue.path];
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) out.push({ path: formatPath([...path, key]), message: 'unknown field' });
    } else if (issue.code === 'invalid_type' && /received undefined$/.test(issue.message)) {
      out.push({ path: formatPath(path), message: `required (${issue.expected})` });
    } else {
      out.push({ path: formatPath(path), message: issue.message });
    }
  }
  return out;
}

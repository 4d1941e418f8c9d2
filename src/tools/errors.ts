/**
 * An error the calling agent should read and act on (unknown id, window outside the data, bad
 * combination of arguments). `callTool` turns it into `{ok: false, error}`; any other error is a bug
 * or an infrastructure failure and propagates (so durable retries and escalation see it).
 */
export class ToolError extends Error {
  override name = 'ToolError';
  constructor(
    message: string,
    readonly code: 'not_found' | 'invalid_argument' = 'invalid_argument',
  ) {
    super(message);
  }
}

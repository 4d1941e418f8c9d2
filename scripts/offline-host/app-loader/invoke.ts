/**
 * One invocation, the way the Node worker runs it (azure-functions-nodejs-worker, InvocationHandler):
 * getInvocationModel → getArguments (a fresh InvocationContext) → preInvocation hooks → invokeFunction →
 * postInvocation hooks → getResponse.
 */
import { randomUUID } from 'node:crypto';
import type {
  CoreInvocationResponse,
  CoreStandIn,
  RegisteredFunction,
  RpcTypedData,
} from './core-stand-in.js';

export interface InvocationInput {
  /** Binding name → data, trigger first. */
  inputData: Array<{ name: string; data: RpcTypedData | undefined }>;
  triggerMetadata?: Record<string, RpcTypedData>;
  invocationId?: string;
}

export interface InvocationOutcome {
  response: CoreInvocationResponse;
  invocationId: string;
  /** The function's return value before conversion (after postInvocation hooks). */
  result: unknown;
}

export type HostLog = (level: string, category: string, message: string) => void;

export async function invokeRegistered(
  core: CoreStandIn,
  fn: RegisteredFunction,
  input: InvocationInput,
  log: HostLog,
): Promise<InvocationOutcome> {
  const invocationId = input.invocationId ?? randomUUID();
  const coreCtx: Record<string, unknown> = {
    invocationId,
    request: {
      invocationId,
      functionId: fn.metadata.name,
      inputData: input.inputData,
      triggerMetadata: input.triggerMetadata ?? {},
    },
    metadata: fn.metadata,
    state: undefined,
    log: (level: string, category: string, message: string) => log(level, category, message),
  };
  const model = core.model().getInvocationModel(coreCtx);
  const { context, inputs } = await model.getArguments();

  const hookData: Record<string, unknown> = {};
  const pre: Record<string, unknown> = {
    hookData,
    invocationContext: context,
    inputs,
    functionCallback: fn.callback,
  };
  coreCtx.state = 'preInvocationHooks';
  await runHooks(core, 'preInvocation', pre);
  coreCtx.state = 'invocation';

  let result: unknown;
  let error: unknown;
  try {
    result = await model.invokeFunction(
      context,
      pre.inputs as unknown[],
      pre.functionCallback as RegisteredFunction['callback'],
    );
  } catch (err) {
    error = err;
  }

  const post: Record<string, unknown> = {
    hookData,
    invocationContext: context,
    inputs: pre.inputs,
    result,
    error,
  };
  coreCtx.state = 'postInvocationHooks';
  await runHooks(core, 'postInvocation', post);
  coreCtx.state = undefined;
  if (post.error !== undefined && post.error !== null) throw post.error;

  return { response: await model.getResponse(context, post.result), invocationId, result: post.result };
}

export async function runHooks(
  core: CoreStandIn,
  name: string,
  context: Record<string, unknown>,
): Promise<void> {
  for (const hook of [...(core.hooks.get(name) ?? [])]) {
    await hook(context);
  }
}

/**
 * Decodes a function's return value. A `{string}` is the function's own string (toRpcTypedData wraps
 * strings that way), so unlike trigger inputs it is not parsed as JSON.
 */
export function fromTypedData(data: RpcTypedData | null | undefined): unknown {
  if (!data) return undefined;
  if (data.string !== undefined && data.string !== null) return data.string;
  if (data.json !== undefined && data.json !== null) return JSON.parse(data.json);
  if (data.bytes) return Buffer.from(data.bytes);
  if (data.int !== undefined && data.int !== null) return data.int;
  if (data.double !== undefined && data.double !== null) return data.double;
  return undefined;
}

export function returnValueOf(response: CoreInvocationResponse): unknown {
  return fromTypedData(response.returnValue);
}

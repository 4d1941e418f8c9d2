/**
 * The offline stand-in for `@azure/functions-core`, the API the Node worker gives the library.
 * It only records: registered functions, the programming model, hooks and library logs.
 */

/** The parts of the worker's programming-model API the host calls (see @azure/functions/src). */
export interface CoreProgrammingModel {
  name: string;
  version: string;
  getInvocationModel(coreCtx: unknown): CoreInvocationModel;
  getCapabilities?(capabilities: Record<string, string>): Promise<Record<string, string>>;
}
export interface CoreInvocationModel {
  getArguments(): Promise<{ context: unknown; inputs: unknown[] }>;
  invokeFunction(context: unknown, inputs: unknown[], handler: CoreCallback): Promise<unknown>;
  getResponse(context: unknown, result: unknown): Promise<CoreInvocationResponse>;
}
export interface CoreInvocationResponse {
  invocationId: string;
  outputData?: Array<{ name: string; data: RpcTypedData | null | undefined }>;
  returnValue?: RpcTypedData | null;
}
export type CoreCallback = (...args: unknown[]) => unknown;
export type HookCallback = (context: Record<string, unknown>) => unknown;

/** RpcTypedData as the worker passes it (only the variants the host produces or reads). */
export interface RpcTypedData {
  string?: string;
  json?: string;
  bytes?: Uint8Array;
  stream?: Uint8Array;
  int?: number;
  double?: number;
  http?: RpcHttpData;
}
export interface RpcHttpData {
  method?: string;
  url?: string;
  headers?: Record<string, string>;
  query?: Record<string, string>;
  params?: Record<string, string>;
  body?: RpcTypedData | null;
  statusCode?: string;
  cookies?: RpcHttpCookie[];
}
export interface RpcHttpCookie {
  name?: string;
  value?: string;
  domain?: { value?: string } | null;
  path?: { value?: string } | null;
  expires?: { value?: { seconds?: number } } | null;
  secure?: { value?: boolean } | null;
  httpOnly?: { value?: boolean } | null;
  sameSite?: number | string;
  maxAge?: { value?: number } | null;
}

export interface RegisteredFunction {
  metadata: { name: string; bindings: Record<string, Record<string, unknown>> } & Record<string, unknown>;
  callback: CoreCallback;
}

export interface CoreStandIn {
  /** The module object `require('@azure/functions-core')` returns. */
  api: Record<string, unknown>;
  functions: Map<string, RegisteredFunction>;
  hooks: Map<string, HookCallback[]>;
  model(): CoreProgrammingModel;
}

export function createCoreStandIn(
  log: (level: string, category: string, message: string) => void,
): CoreStandIn {
  const functions = new Map<string, RegisteredFunction>();
  const hooks = new Map<string, HookCallback[]>();
  let programmingModel: CoreProgrammingModel | undefined;

  const api = {
    // The library checks `coreApi.log` to decide whether the "host" supports http streaming.
    log(level: string, category: string, message: string): void {
      log(level, category, message);
    },
    setProgrammingModel(model: CoreProgrammingModel): void {
      programmingModel = model;
    },
    getProgrammingModel(): CoreProgrammingModel | undefined {
      return programmingModel;
    },
    registerFunction(metadata: RegisteredFunction['metadata'], callback: CoreCallback) {
      // Same rule as the worker: a name may be registered once per app load.
      if (functions.has(metadata.name)) {
        throw new Error(`A function with the name "${metadata.name}" has already been registered.`);
      }
      functions.set(metadata.name, { metadata, callback });
      return { dispose: () => functions.delete(metadata.name) };
    },
    registerHook(name: string, callback: HookCallback) {
      const list = hooks.get(name) ?? [];
      list.push(callback);
      hooks.set(name, list);
      return {
        dispose: () => {
          const index = list.indexOf(callback);
          if (index >= 0) list.splice(index, 1);
        },
      };
    },
  };

  return {
    api,
    functions,
    hooks,
    model() {
      if (!programmingModel) {
        throw new Error(
          'The app registered no functions through @azure/functions (no programming model was set).',
        );
      }
      return programmingModel;
    },
  };
}

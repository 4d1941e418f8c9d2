import type { FunctionInput, InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';
import type {
  DurableClient,
  EntityContext,
  OrchestrationContext,
  RetryOptions,
  Task,
} from 'durable-functions';
import type { z } from 'zod';
import type { ActivityName, EntityName, OrchestrationName } from '../names';

/**
 * The typed durable boundary (STYLE.md habit 13). Every orchestration, activity and entity operation is
 * declared once as a contract — its durable name (from names.ts) and the zod schemas of what crosses the
 * boundary — and everything else is derived from that contract:
 *
 * - registration (`registerActivity`, `registerEntity`) validates the input before the handler runs, so a
 *   bad input fails naming the field, and types the handler from the schemas;
 * - the orchestrator's calls (`call`, `activityTask` + `all`, `callEntity`, `signalEntity`) take typed
 *   inputs and return the zod-parsed, typed output: no casts at call sites;
 * - the durable client's calls (`startOrchestration`, `signalEntityFromClient`, `readEntity`) likewise.
 *
 * Contracts hold no handler code, so orchestrators import them without pulling in model clients or I/O;
 * the handler is written once, against the contract, where it is registered (src/functions/).
 */

// ── Contracts ───────────────────────────────────────────────────────────────────────────────────────

export interface ActivityContract<I extends z.ZodType = z.ZodType, O extends z.ZodType = z.ZodType> {
  readonly name: ActivityName;
  readonly input: I;
  readonly output: O;
}

export interface OrchestrationContract<I extends z.ZodType = z.ZodType, O extends z.ZodType = z.ZodType> {
  readonly name: OrchestrationName;
  readonly input: I;
  readonly output: O;
}

export interface OperationContract<I extends z.ZodType = z.ZodType, O extends z.ZodType = z.ZodType> {
  readonly input: I;
  readonly output: O;
}

type Operations = Record<string, OperationContract>;

export interface EntityContract<S = unknown, Ops extends Operations = Operations> {
  readonly name: EntityName;
  /** Reads the persisted state (nothing stored, an older version, …) into the current shape. */
  readonly load: (raw: unknown, key: string) => S;
  readonly operations: Ops;
}

export const defineActivity = <I extends z.ZodType, O extends z.ZodType>(
  contract: ActivityContract<I, O>,
): ActivityContract<I, O> => contract;

export const defineOrchestration = <I extends z.ZodType, O extends z.ZodType>(
  contract: OrchestrationContract<I, O>,
): OrchestrationContract<I, O> => contract;

export const operation = <I extends z.ZodType, O extends z.ZodType>(
  input: I,
  output: O,
): OperationContract<I, O> => ({ input, output });

export const defineEntity = <S, Ops extends Operations>(
  contract: EntityContract<S, Ops>,
): EntityContract<S, Ops> => contract;

/** What a caller passes (zod input) and what it gets back (zod output). */
export type InputOf<C extends { input: z.ZodType }> = z.input<C['input']>;
export type OutputOf<C extends { output: z.ZodType }> = z.output<C['output']>;
type OpName<E extends EntityContract> = keyof E['operations'] & string;
type OpContract<E extends EntityContract, K extends OpName<E>> = E['operations'][K];
/** An operation whose input may be undefined takes no argument. */
type InputArg<T> = undefined extends T ? [input?: T] : [input: T];

// ── Validation ──────────────────────────────────────────────────────────────────────────────────────

/** A value that did not match its contract. Serializes to its message, the form entity errors travel in. */
export class BoundaryError extends Error {
  override name = 'BoundaryError';
  toJSON(): string {
    return this.message;
  }
}

export function parseAt<S extends z.ZodType>(schema: S, value: unknown, where: string): z.output<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(value)'}: ${i.message}`);
  throw new BoundaryError(`${where}: ${issues.join('; ')}`);
}

// ── Registration (src/functions/) ───────────────────────────────────────────────────────────────────

/** Registers an activity: its input is validated against the contract before `handler` runs. */
export function registerActivity<C extends ActivityContract>(
  contract: C,
  impl: {
    handler: (
      input: z.output<C['input']>,
      context: InvocationContext,
    ) => Promise<z.input<C['output']>> | z.input<C['output']>;
    extraInputs?: FunctionInput[];
  },
): void {
  df.app.activity(contract.name, {
    ...(impl.extraInputs ? { extraInputs: impl.extraInputs } : {}),
    handler: (raw: unknown, context: InvocationContext) =>
      impl.handler(parseAt<C['input']>(contract.input, raw, `activity ${contract.name} input`), context),
  });
}

/** Registers an orchestrator under its contract's name (its input is read with `orchestrationInput`). */
export function registerOrchestration<C extends OrchestrationContract>(
  contract: C,
  orchestrator: (context: OrchestrationContext) => Generator<Task, z.input<C['output']>, unknown>,
): void {
  df.app.orchestration(contract.name, orchestrator);
}

/** What an operation handler answers: the next state (omitted: unchanged) and the caller's result. */
export type OperationOutcome<S, O extends z.ZodType> = { state?: S } & (undefined extends z.input<O>
  ? { result?: z.input<O> }
  : { result: z.input<O> });

export type OperationHandlers<S, Ops extends Operations> = {
  [K in keyof Ops]: (
    state: S,
    input: z.output<Ops[K]['input']>,
    entity: { key: string },
  ) => OperationOutcome<S, Ops[K]['output']>;
};

/**
 * Registers an entity from its contract and one pure handler per operation. Operations run one at a time
 * per entity; an input that breaks the contract, or an unknown operation, fails that operation naming the
 * problem and changes nothing (a signal's caller never sees it, a call's caller gets it as an error).
 */
export function registerEntity<S, Ops extends Operations>(
  contract: EntityContract<S, Ops>,
  handlers: OperationHandlers<S, Ops>,
): void {
  df.app.entity(contract.name, (context: EntityContext<unknown>) => {
    const name = context.df.operationName;
    if (!name || !Object.hasOwn(contract.operations, name))
      throw new BoundaryError(`entity ${contract.name} has no operation '${name}'`);
    const op = name as keyof Ops & string; // checked just above
    const key = context.df.entityKey;
    const state = contract.load(context.df.getState(), key);
    const input = parseAt<Ops[typeof op]['input']>(
      contract.operations[op]!.input,
      context.df.getInput(),
      `${contract.name}.${op} input`,
    );
    const outcome: { state?: S; result?: unknown } = handlers[op](state, input, { key });
    if (outcome.state !== undefined && outcome.state !== state) context.df.setState(outcome.state);
    if (outcome.result !== undefined) context.df.return(outcome.result);
  });
}

// ── Orchestrator side (src/orchestrations/) ─────────────────────────────────────────────────────────

/** The input of the running orchestration, validated against its contract. */
export function orchestrationInput<C extends OrchestrationContract>(
  context: OrchestrationContext,
  contract: C,
): z.output<C['input']> {
  return parseAt<C['input']>(contract.input, context.df.getInput(), `orchestration ${contract.name} input`);
}

/** A scheduled durable task and how to read its result. */
export interface TypedTask<T> {
  readonly task: Task;
  read(raw: unknown): T;
}

export interface CallOptions {
  /** The durable retry policy (callActivityWithRetry). */
  retry?: RetryOptions;
}

/** Schedules an activity without waiting: for fan-out with `all`. */
export function activityTask<C extends ActivityContract>(
  context: OrchestrationContext,
  contract: C,
  input: z.input<C['input']>,
  options: CallOptions = {},
): TypedTask<z.output<C['output']>> {
  const task = options.retry
    ? context.df.callActivityWithRetry(contract.name, options.retry, input)
    : context.df.callActivity(contract.name, input);
  return {
    task,
    read: (raw) => parseAt<C['output']>(contract.output, raw, `activity ${contract.name} output`),
  };
}

/** `const out = yield* call(context, activities.x, input)`: runs the activity, returns its typed output. */
export function* call<C extends ActivityContract>(
  context: OrchestrationContext,
  contract: C,
  input: z.input<C['input']>,
  options: CallOptions = {},
): Generator<Task, z.output<C['output']>, unknown> {
  const scheduled = activityTask(context, contract, input, options);
  const raw: unknown = yield scheduled.task;
  return scheduled.read(raw);
}

/** Waits for every task (Task.all) and returns their typed outputs in order. */
export function* all<T>(
  context: OrchestrationContext,
  tasks: ReadonlyArray<TypedTask<T>>,
): Generator<Task, T[], unknown> {
  const raw: unknown = yield context.df.Task.all(tasks.map((t) => t.task));
  const results: unknown[] = Array.isArray(raw) ? raw : [];
  return tasks.map((t, i) => t.read(results[i]));
}

/** Calls an entity operation and returns its typed result. */
export function* callEntity<E extends EntityContract, K extends OpName<E>>(
  context: OrchestrationContext,
  entity: E,
  key: string,
  op: K,
  ...[input]: InputArg<z.input<OpContract<E, K>['input']>>
): Generator<Task, z.output<OpContract<E, K>['output']>, unknown> {
  const raw: unknown = yield context.df.callEntity(new df.EntityId(entity.name, key), op, input);
  return parseAt<OpContract<E, K>['output']>(
    entity.operations[op]!.output,
    raw,
    `${entity.name}.${op} result`,
  );
}

/** Signals an entity operation from an orchestrator (fire and forget, in order per entity). */
export function signalEntity<E extends EntityContract, K extends OpName<E>>(
  context: OrchestrationContext,
  entity: E,
  key: string,
  op: K,
  ...[input]: InputArg<z.input<OpContract<E, K>['input']>>
): void {
  context.df.signalEntity(new df.EntityId(entity.name, key), op, input);
}

// ── Client side (activities and HTTP handlers with a durable client) ────────────────────────────────

export async function startOrchestration<C extends OrchestrationContract>(
  client: DurableClient,
  contract: C,
  instanceId: string,
  input: z.input<C['input']>,
): Promise<string> {
  return client.startNew(contract.name, { instanceId, input });
}

export async function signalEntityFromClient<E extends EntityContract, K extends OpName<E>>(
  client: DurableClient,
  entity: E,
  key: string,
  op: K,
  ...[input]: InputArg<z.input<OpContract<E, K>['input']>>
): Promise<void> {
  await client.signalEntity(new df.EntityId(entity.name, key), op, input);
}

/** The entity's state read through its contract's `load`; undefined when the entity does not exist. */
export async function readEntity<S>(
  client: DurableClient,
  entity: EntityContract<S>,
  key: string,
): Promise<S | undefined> {
  const r = await client.readEntityState<unknown>(new df.EntityId(entity.name, key));
  return r.entityExists ? entity.load(r.entityState, key) : undefined;
}

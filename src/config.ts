import { z } from 'zod';

/**
 * Every setting the app reads, validated once at the edge. Orchestrations never read this module:
 * they receive the settings they need in their input (captured when the case starts).
 */
const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');
const num = (def: number, min: number, max: number) => z.coerce.number().min(min).max(max).default(def);
const int = (def: number, min: number, max: number) => z.coerce.number().int().min(min).max(max).default(def);
const url = z.url().optional();

const Settings = z.object({
  // Review loop (DESIGN.md Layer 3)
  RISK_THRESHOLD: num(0.6, 0, 1),
  DECISION_TIMEOUT_HOURS: num(72, 0.001, 24 * 365),
  MAX_REVIEW_ROUNDS: int(3, 1, 20),
  // Agents
  AZURE_OPENAI_ENDPOINT: url,
  AZURE_OPENAI_DEPLOYMENT: z.string().min(1).default('gpt-4o-mini'),
  AZURE_OPENAI_SECONDARY_DEPLOYMENT: z.string().min(1).optional(),
  AZURE_OPENAI_API_VERSION: z.string().min(1).default('2024-10-21'),
  AZURE_OPENAI_API_KEY: z.string().min(1).optional(),
  OPENAI_BASE_URL: url,
  OPENAI_API_KEY: z.string().min(1).optional(),
  OPENAI_MODEL: z.string().min(1).default('gpt-4o-mini'),
  AGENT_MAX_ITERATIONS: int(6, 1, 30),
  /** Latency the scripted model adds per model call (demos and benchmarks of the fan-out). */
  SCRIPTED_MODEL_LATENCY_MS: int(0, 0, 60_000),
  MCP_SERVER_URL: url,
  // Detection (defaults from the reference implementation)
  RULE_NEW_COUNTRY_WINDOW_SECONDS: int(7200, 1, 86_400 * 30),
  RULE_TRANSACTION_MULTIPLIER: num(3, 1, 1000),
  RULE_DATA_USAGE_MULTIPLIER: num(4, 1, 1000),
  RULE_AUTH_FAILURE_COUNT: int(3, 1, 1000),
  RULE_AUTH_FAILURE_WINDOW_SECONDS: int(300, 1, 86_400),
  RULE_API_BURST_COUNT: int(20, 1, 100_000),
  RULE_API_BURST_WINDOW_SECONDS: int(60, 1, 86_400),
  /** Card testing: this many purchases within the window (the reference implementation has no such rule). */
  RULE_TRANSACTION_BURST_COUNT: int(8, 2, 100_000),
  RULE_TRANSACTION_BURST_WINDOW_SECONDS: int(600, 1, 86_400),
  /** Slow-burn exfiltration: calls to bulk-data endpoints within the window (and 3× the busiest day). */
  RULE_EXPORT_VOLUME_COUNT: int(40, 2, 100_000),
  RULE_EXPORT_VOLUME_WINDOW_SECONDS: int(21_600, 60, 86_400 * 7),
  RULE_EXPORT_VOLUME_MULTIPLIER: num(3, 1, 1000),
  /** Cramming: small charges (USD) from never-used merchants within the window. */
  RULE_CRAMMING_COUNT: int(3, 2, 1000),
  RULE_CRAMMING_WINDOW_SECONDS: int(21_600, 60, 86_400 * 7),
  RULE_CRAMMING_MAX_AMOUNT: num(60, 0.01, 1_000_000),
  /** Account-takeover chain: different security changes within the window. */
  RULE_SECURITY_CHAIN_COUNT: int(3, 2, 8),
  RULE_SECURITY_CHAIN_WINDOW_SECONDS: int(86_400, 60, 86_400 * 30),
  ALERT_DEDUP_SECONDS: int(60, 0, 86_400),
  // The live account record (src/live): retention and caps of each customer's accountActivity entity
  LIVE_RECORD_RETENTION_DAYS: int(30, 1, 365),
  LIVE_RECORD_MAX_EVENTS: int(2_000, 10, 20_000),
  /** Entity state is capped at 1 MB by the scheduler: keep well under it. */
  LIVE_RECORD_MAX_BYTES: int(400_000, 16_000, 900_000),
  /** Customers in the synthetic dataset: the shipped 60, or more population customers (evaluation). */
  DATASET_CUSTOMERS: int(60, 60, 20_000),
  // Simulator
  SIMULATOR_ENABLED: bool.default(false),
  SIMULATOR_SCHEDULE: z.string().min(1).default('*/3 * * * * *'),
  SIMULATOR_SEED: int(42, 0, 2 ** 31),
  SIMULATOR_ANOMALY_PROBABILITY: num(0.08, 0, 1),
  SIMULATOR_WARMUP_EVENTS: int(5, 0, 10_000),
  SIMULATOR_EVENTS_PER_TICK: int(3, 1, 1000),
  // HTTP limits
  TELEMETRY_MAX_EVENTS: int(500, 1, 100_000),
  TELEMETRY_MAX_BYTES: int(1_000_000, 1024, 50_000_000),
  DECISION_MAX_BYTES: int(16_384, 256, 1_000_000),
  // Retention: finished ingest instances are purged by the app itself (src/durable/retention.ts); everything
  // else finished by the scheduler's retention policies (DTS_RETENTION_* offline, infra/app/dts.bicep in Azure).
  /** Minutes a completed ingest instance is kept (a resent batch within it is recognised and not re-ingested). */
  INGEST_RETENTION_MINUTES: num(60, 0.01, 60 * 24 * 90),
  RETENTION_SWEEP_SCHEDULE: z.string().min(1).default('0 * * * * *'),
  // Outbound edges (all optional)
  ANALYST_WEBHOOK_URL: url,
  ACTION_WEBHOOK_URL: url,
  NOTIFICATION_WEBHOOK_URL: url,
  // Case records: the durable home of case summaries and their audit (src/records), kept for years
  /** `sqlite` (a file, or memory) offline; `table` (Azure Table Storage via AzureWebJobsStorage) in Azure. */
  CASE_RECORDS_STORE: z.enum(['sqlite', 'table']).default('sqlite'),
  /** The SQLite file (`:memory:` keeps records in the process). Default: see caseRecordsLocation. */
  CASE_RECORDS_PATH: z.string().min(1).optional(),
  CASE_RECORDS_TABLE: z
    .string()
    .regex(/^[A-Za-z][A-Za-z0-9]{2,62}$/, 'a table name: a letter, then 2 to 62 letters or digits')
    .default('caserecords'),
  /** Set by the offline host for the app it runs: its SQLite data directory, unset in memory. */
  OFFLINE_HOST_DATA_DIR: z.string().min(1).optional(),
  /** The Functions host's storage: a connection string (`UseDevelopmentStorage=true` = Azurite)... */
  AzureWebJobsStorage: z.string().min(1).optional(),
  /** ...or identity-based: the table endpoint, with a managed identity (`__credential`, `__clientId`). */
  AzureWebJobsStorage__tableServiceUri: url,
  AzureWebJobsStorage__credential: z.string().min(1).optional(),
  AzureWebJobsStorage__clientId: z.string().min(1).optional(),
  // Observability and links
  APPLICATIONINSIGHTS_CONNECTION_STRING: z.string().min(1).optional(),
  AZURE_CLIENT_ID: z.string().min(1).optional(),
  TASKHUB_NAME: z.string().min(1).default('default'),
  DURABLE_TASK_SCHEDULER_CONNECTION_STRING: z.string().min(1).optional(),
  /** Overrides the dashboard link derived from the scheduler connection string. */
  DTS_DASHBOARD_URL: url,
});

export type Config = z.infer<typeof Settings>;

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Parses settings from an environment; throws naming every bad setting and what it must be. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const raw = Object.fromEntries(
    Object.keys(Settings.shape).flatMap((k) => (env[k] === undefined || env[k] === '' ? [] : [[k, env[k]]])),
  );
  const parsed = Settings.safeParse(raw);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid app settings:\n  ${lines.join('\n  ')}`);
  }
  return parsed.data;
}

let cached: Config | undefined;
/** The process-wide settings, read on first use. */
export function config(): Config {
  cached ??= loadConfig();
  return cached;
}
/** Tests and the offline host change env between app loads. */
export function resetConfigCache(): void {
  cached = undefined;
}

export type CaseRecordsLocation =
  | { kind: 'sqlite'; file: string }
  | { kind: 'table'; table: string; connectionString: string }
  | { kind: 'table'; table: string; endpoint: string; managedIdentityClientId?: string };

/**
 * Where case records live. SQLite: CASE_RECORDS_PATH, else `case-records.sqlite` in the offline host's
 * data directory when it persists, else memory. Table: the table endpoint with a managed identity, or
 * the AzureWebJobsStorage connection string.
 */
export function caseRecordsLocation(cfg: Config): CaseRecordsLocation {
  if (cfg.CASE_RECORDS_STORE === 'sqlite') {
    const dir = cfg.OFFLINE_HOST_DATA_DIR;
    return {
      kind: 'sqlite',
      file: cfg.CASE_RECORDS_PATH ?? (dir ? `${dir}/case-records.sqlite` : ':memory:'),
    };
  }
  const table = cfg.CASE_RECORDS_TABLE;
  if (cfg.AzureWebJobsStorage__tableServiceUri) {
    const managed = cfg.AzureWebJobsStorage__credential?.toLowerCase() === 'managedidentity';
    return {
      kind: 'table',
      table,
      endpoint: cfg.AzureWebJobsStorage__tableServiceUri,
      ...(managed && cfg.AzureWebJobsStorage__clientId
        ? { managedIdentityClientId: cfg.AzureWebJobsStorage__clientId }
        : {}),
    };
  }
  if (cfg.AzureWebJobsStorage) return { kind: 'table', table, connectionString: cfg.AzureWebJobsStorage };
  throw new ConfigError(
    'CASE_RECORDS_STORE=table needs AzureWebJobsStorage__tableServiceUri (identity) or AzureWebJobsStorage (a connection string; UseDevelopmentStorage=true for Azurite).',
  );
}

/** Link to an orchestration instance in the DTS dashboard, when a scheduler is configured. */
export function dashboardUrl(cfg: Config, instanceId: string): string | undefined {
  const id = encodeURIComponent(instanceId);
  if (cfg.DTS_DASHBOARD_URL) return `${cfg.DTS_DASHBOARD_URL.replace(/\/$/, '')}/${id}`;
  const endpoint = /Endpoint=([^;]+)/i.exec(cfg.DURABLE_TASK_SCHEDULER_CONNECTION_STRING ?? '')?.[1];
  if (!endpoint) return undefined;
  if (/localhost|127\.0\.0\.1/.test(endpoint))
    return `http://localhost:8082/subscriptions/local/schedulers/emulator/taskhubs/${cfg.TASKHUB_NAME}/orchestrations/${id}`;
  return `https://dashboard.durabletask.io/?endpoint=${encodeURIComponent(endpoint)}&taskhub=${encodeURIComponent(cfg.TASKHUB_NAME)}`;
}

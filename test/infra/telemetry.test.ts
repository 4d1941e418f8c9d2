import { spawnSync } from 'node:child_process';
import { metrics, trace } from '@opentelemetry/api';
import {
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
  AggregationTemporality,
} from '@opentelemetry/sdk-metrics';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import type { TokenCredential } from '@azure/identity';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  caseTelemetry,
  initTelemetry,
  parseAuthenticationString,
  resetCaseTelemetryInstruments,
  shutdownTelemetry,
  telemetryStatus,
  type TelemetryDeps,
} from '../../src/telemetry';
import { ROOT } from './support';

// In-memory OpenTelemetry SDK standing in for the Azure Monitor distro, so spans and metrics can be read.
const spans = new InMemorySpanExporter();
const metricReader = new PeriodicExportingMetricReader({
  exporter: new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE),
  exportIntervalMillis: 3_600_000,
});

beforeAll(() => {
  trace.setGlobalTracerProvider(
    new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spans)] }),
  );
  metrics.setGlobalMeterProvider(new MeterProvider({ readers: [metricReader] }));
  resetCaseTelemetryInstruments();
});
afterEach(async () => {
  await shutdownTelemetry();
  spans.reset();
});
afterAll(() => {
  trace.disable();
  metrics.disable();
});

function fakeDistro() {
  return {
    useAzureMonitor: vi.fn(),
    flushAzureMonitor: vi.fn(async () => {}),
    shutdownAzureMonitor: vi.fn(async () => {}),
  };
}
const fakeCredential = { getToken: async () => null } as TokenCredential;

describe('initTelemetry', () => {
  it('is a no-op without a connection string: nothing loaded, nothing emitted', () => {
    const distro = fakeDistro();
    const loadDistro = vi.fn(() => distro);
    const status = initTelemetry({}, { loadDistro, authenticationString: 'ClientId=x;Authorization=AAD' });

    expect(status).toEqual({ enabled: false, auth: 'off' });
    expect(loadDistro).not.toHaveBeenCalled();
    caseTelemetry.alertRaised('case-1', 'new_country');
    caseTelemetry.caseClosed('case-1', 'auto_cleared');
    expect(spans.getFinishedSpans()).toEqual([]);
  });

  it('never loads the Azure Monitor SDK when off (keeps offline runs and tests fast)', () => {
    const script = [
      "const t = require('./src/telemetry/index.ts');",
      't.initTelemetry({});',
      "t.caseTelemetry.alertRaised('c', 'r');",
      'const heavy = Object.keys(require.cache).filter((k) => /applicationinsights|monitor-opentelemetry/.test(k));',
      'process.stdout.write(String(heavy.length));',
    ].join('\n');
    const run = spawnSync(process.execPath, ['--import', 'tsx', '-e', script], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    expect(run.stderr).toBe('');
    expect(run.stdout).toBe('0');
  });

  it('uses a managed-identity credential when the authentication string asks for Entra ID', () => {
    const distro = fakeDistro();
    const createCredential = vi.fn(() => fakeCredential);
    const deps: TelemetryDeps = {
      loadDistro: () => distro,
      createCredential,
      authenticationString: 'ClientId=11111111-2222-3333-4444-555555555555;Authorization=AAD',
    };
    const status = initTelemetry(
      {
        APPLICATIONINSIGHTS_CONNECTION_STRING: 'InstrumentationKey=00000000-0000-0000-0000-000000000000',
        AZURE_CLIENT_ID: 'other',
      },
      deps,
    );

    expect(status).toEqual({ enabled: true, auth: 'entra-id' });
    expect(createCredential).toHaveBeenCalledWith('11111111-2222-3333-4444-555555555555');
    expect(distro.useAzureMonitor).toHaveBeenCalledTimes(1);
    expect(distro.useAzureMonitor.mock.calls[0]![0].azureMonitorExporterOptions).toEqual({
      connectionString: 'InstrumentationKey=00000000-0000-0000-0000-000000000000',
      credential: fakeCredential,
    });
  });

  it('falls back to AZURE_CLIENT_ID when the authentication string names no client id', () => {
    const createCredential = vi.fn(() => fakeCredential);
    initTelemetry(
      {
        APPLICATIONINSIGHTS_CONNECTION_STRING: 'InstrumentationKey=x',
        AZURE_CLIENT_ID: 'identity-client-id',
      },
      { loadDistro: fakeDistro, createCredential, authenticationString: 'Authorization=AAD' },
    );
    expect(createCredential).toHaveBeenCalledWith('identity-client-id');
  });

  it('sends with the connection string alone when no Entra ID auth is configured', () => {
    const distro = fakeDistro();
    const createCredential = vi.fn(() => fakeCredential);
    const status = initTelemetry(
      { APPLICATIONINSIGHTS_CONNECTION_STRING: 'InstrumentationKey=x' },
      { loadDistro: () => distro, createCredential, authenticationString: '' },
    );
    expect(status.auth).toBe('connection-string');
    expect(createCredential).not.toHaveBeenCalled();
    expect(distro.useAzureMonitor.mock.calls[0]![0].azureMonitorExporterOptions).toEqual({
      connectionString: 'InstrumentationKey=x',
    });
  });

  it('initializes once however often it is called', () => {
    const distro = fakeDistro();
    const deps = { loadDistro: () => distro, authenticationString: '' };
    initTelemetry({ APPLICATIONINSIGHTS_CONNECTION_STRING: 'InstrumentationKey=x' }, deps);
    initTelemetry({ APPLICATIONINSIGHTS_CONNECTION_STRING: 'InstrumentationKey=x' }, deps);
    expect(distro.useAzureMonitor).toHaveBeenCalledTimes(1);
    expect(telemetryStatus().enabled).toBe(true);
  });

  it('parses the App Service authentication string format', () => {
    expect(parseAuthenticationString('ClientId=abc;Authorization=AAD')).toEqual({
      aad: true,
      clientId: 'abc',
    });
    expect(parseAuthenticationString('authorization=aad')).toEqual({ aad: true });
    expect(parseAuthenticationString(undefined)).toEqual({ aad: false });
  });
});

describe('caseTelemetry', () => {
  const on = () =>
    initTelemetry(
      { APPLICATIONINSIGHTS_CONNECTION_STRING: 'InstrumentationKey=x' },
      { loadDistro: fakeDistro, authenticationString: '' },
    );

  it('emits one span per lifecycle event, each carrying case.id', () => {
    on();
    caseTelemetry.alertRaised('case-7', 'new_country');
    caseTelemetry.investigationCompleted('case-7', 1, 0.82, 1500, 4200, 0.0125);
    caseTelemetry.decisionRecorded('case-7', 1, 'approve');
    caseTelemetry.actionExecuted('case-7', 'lock_account');
    caseTelemetry.caseClosed('case-7', 'action_executed');

    const finished = spans.getFinishedSpans();
    expect(finished.map((s) => s.name)).toEqual([
      'case.alert_raised',
      'case.investigation_completed',
      'case.decision_recorded',
      'case.action_executed',
      'case.closed',
    ]);
    for (const s of finished) expect(s.attributes['case.id']).toBe('case-7');
    const investigation = finished[1]!;
    expect(investigation.attributes).toMatchObject({
      'case.round': 1,
      'case.risk_level': 'critical',
      'model.tokens': 4200,
    });
    // The span covers the investigation's wall time.
    const [sec, nanos] = investigation.duration;
    expect(sec * 1000 + nanos / 1e6).toBeCloseTo(1500, -1);
  });

  it('counts alerts, decisions and outcomes by low-cardinality dimensions, never by case id', async () => {
    on();
    caseTelemetry.alertRaised('case-8', 'api_burst');
    caseTelemetry.alertRaised('case-9', 'api_burst');
    caseTelemetry.caseClosed('case-8', 'escalated_timeout');

    const { resourceMetrics } = await metricReader.collect();
    const all = resourceMetrics.scopeMetrics.flatMap((s) => s.metrics);
    const alerts = all.find((m) => m.descriptor.name === 'fraud.alerts')!;
    const burst = alerts.dataPoints.find((p) => p.attributes['alert.rule'] === 'api_burst');
    expect(burst?.value).toBeGreaterThanOrEqual(2);
    for (const m of all) for (const p of m.dataPoints) expect(p.attributes).not.toHaveProperty('case.id');
  });
});

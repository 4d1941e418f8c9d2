export {
  initTelemetry,
  telemetryStatus,
  flushTelemetry,
  shutdownTelemetry,
  parseAuthenticationString,
} from './init';
export type { TelemetryStatus, TelemetryAuth, TelemetryDeps } from './init';
export { caseTelemetry, riskLevel, resetCaseTelemetryInstruments } from './case';
export type { CaseTelemetry } from './case';

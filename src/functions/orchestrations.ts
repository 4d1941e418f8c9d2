import * as df from 'durable-functions';
import { Orchestrations } from '../names';
import { ingestTelemetryOrchestrator } from '../orchestrations/ingestTelemetry';
import { investigateCaseOrchestrator } from '../orchestrations/investigateCase';

df.app.orchestration(Orchestrations.investigateCase, investigateCaseOrchestrator);
df.app.orchestration(Orchestrations.ingestTelemetry, ingestTelemetryOrchestrator);

import { orchestrations } from '../durable/activities';
import { registerOrchestration } from '../durable/typed';
import { ingestTelemetryOrchestrator } from '../orchestrations/ingestTelemetry';
import { investigateCaseOrchestrator } from '../orchestrations/investigateCase';
import { openManualCaseOrchestrator } from '../orchestrations/openManualCase';

registerOrchestration(orchestrations.investigateCase, investigateCaseOrchestrator);
registerOrchestration(orchestrations.ingestTelemetry, ingestTelemetryOrchestrator);
registerOrchestration(orchestrations.openManualCase, openManualCaseOrchestrator);

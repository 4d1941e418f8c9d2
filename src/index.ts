import { app } from '@azure/functions';
import { config } from './config';
import { initTelemetry } from './telemetry';

// First: the Azure Monitor distro must patch modules before they are used (a no-op without a connection string).
initTelemetry(config());

// Streams let GET /api/stream hold server-sent events open (the Node worker proxies HTTP for this).
app.setup({ enableHttpStream: true });

import './functions/orchestrations';
import './functions/customerProfile';
import './functions/caseSession';
import './functions/accountLedger';
import './functions/accountActivity';
import './functions/activities/startCase';
import './functions/activities/investigation';
import './functions/activities/caseEvents';
import './functions/activities/executeAction';
import './functions/mcpTools';
import './functions/mcpCaseReview';
import './functions/simulator';
import './functions/retention';
import './functions/http';
import './functions/records';

import { app } from '@azure/functions';

// Streams let GET /api/stream hold server-sent events open (the Node worker proxies HTTP for this).
app.setup({ enableHttpStream: true });

import './functions/orchestrations';
import './functions/customerProfile';
import './functions/caseSession';
import './functions/accountLedger';
import './functions/activities/startCase';
import './functions/activities/investigation';
import './functions/activities/caseEvents';
import './functions/activities/executeAction';
import './functions/mcpTools';

/** The HTTP API's registrations; src/index.ts imports this one module. */
import './telemetry';
import './cases';
import './case';
import './customers';
import './stream';
import './health';
import './openapi';
import './console';

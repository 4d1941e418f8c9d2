import { app } from '@azure/functions';
import { closeCaseRecords } from '../records';

/** The case-record store holds a database handle offline: closed when the host stops the app. */
app.hook.appTerminate(() => closeCaseRecords());

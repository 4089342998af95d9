// Registers the aws-sdk-client-mock matchers (toHaveReceivedCommandWith, ...) for every test file.
import 'aws-sdk-client-mock-vitest/extend';
// Business metrics are EMF lines on stdout in Lambda; in tests they would bury the report. Tests that
// read them install their own sink (setMetricsSink), and putting it back (undefined) means stdout again.
import { setMetricsSink } from '../functions/shared/metrics';
setMetricsSink(() => undefined);

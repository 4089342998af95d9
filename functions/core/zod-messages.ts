/**
 * English messages for zod/mini, which loads none of its own (classic zod sets these same ones on
 * import). Imported for its effect by every module that builds mini schemas whose messages reach a
 * caller or an operator: the request schemas (400 ValidationError details) and the configuration.
 * One global setting, so importing it twice, or beside classic zod, changes nothing.
 */
import { en } from 'zod/locales';
import { config } from 'zod/mini';

config(en());

/**
 * Parses the JSON body once (base64 too, as API Gateway sends binary-typed bodies that way).
 * Written here rather than @middy/http-json-body-parser (not installed) because that one also insists
 * on a Content-Type header, which the CLI and curl users forget, and throws a non-JSON error shape.
 */
import { ApiError } from '../../core/errors';
import type { ApiMiddleware } from './types';

export function jsonBody(): ApiMiddleware {
  return {
    name: 'jsonBody',
    before: (request) => {
      const { event } = request;
      const raw = event.body;
      if (raw === null || raw === undefined || raw.trim() === '') {
        event.jsonBody = undefined;
        return;
      }
      const text = event.isBase64Encoded ? Buffer.from(raw, 'base64').toString('utf8') : raw;
      try {
        event.jsonBody = JSON.parse(text) as unknown;
      } catch {
        throw new ApiError('InvalidJson');
      }
    },
  };
}

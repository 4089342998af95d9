/**
 * The one route table of the REST contract. CDK builds API Gateway (and one Lambda per handler module)
 * from it; the local stack builds its HTTP server from it; the OpenAPI document is generated from it;
 * each handler is built from its own row (`apiHandler(videoRoutes.getVideo, …)`, functions/shared/api.ts),
 * which validates and parses what the row's schemas say and answers the row's success status.
 * `access` lists what the handler may touch, so each function's IAM grants derive from here.
 *
 * Data and zod schemas only (no CDK, no AWS SDK), like the area modules Lambda handlers import.
 *
 * The rows are written by area in lib/route-rows/ (each with its own schemas, so a handler bundles its
 * own area only); this module is the whole table, in one order: the OpenAPI document, the stack and the
 * local API read it here.
 */
import { type Route } from './route-rows/row';
import { groupRoutes } from './route-rows/groups';
import { uploadRoutes } from './route-rows/uploads';
import { assetRoutes } from './route-rows/assets';
import { videoRoutes } from './route-rows/videos';
import { usageRoutes } from './route-rows/usage';
import { realPersonRoutes } from './route-rows/real-person';
import { callbackRoutes } from './route-rows/callbacks';
import { webhookRoutes } from './route-rows/webhooks';

export * from './route-rows/row';

export const apiRoutes = {
  ...groupRoutes,
  ...uploadRoutes,
  ...assetRoutes,
  ...videoRoutes,
  ...usageRoutes,
  ...realPersonRoutes,
  ...callbackRoutes,
  ...webhookRoutes,
};

export const routes: readonly Route[] = Object.values(apiRoutes);

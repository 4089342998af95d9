/** Usage and cost: rows of the route table (lib/routes.ts composes every area in one table). */
import { usageQuery, usageResponse } from '../../functions/core/api-schemas/usage';
import { defineRoutes } from './row';

export const usageRoutes = defineRoutes({
  getUsage: {
    method: 'GET',
    path: '/usage',
    handler: 'functions/api/get-usage.ts',
    summary: 'Tokens and estimated cost of the videos created in a range, by day, model or caller',
    access: ['records:usage'],
    status: 200,
    request: { query: usageQuery },
    response: usageResponse,
    errors: ['InvalidTimeRange'],
  },
});

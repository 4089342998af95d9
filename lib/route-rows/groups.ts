/** Groups (one per virtual character): rows of the route table (lib/routes.ts composes every area in one table). */
import {
  createGroupBody,
  deleteGroupQuery,
  groupPageResponse,
  groupPathSchema,
  groupResponse,
  listGroupsQuery,
} from '../../functions/core/api-schemas/groups';
import { idempotencyHeaders } from '../../functions/core/api-schemas/headers';
import { defineRoutes } from './row';

export const groupRoutes = defineRoutes({
  createGroup: {
    method: 'POST',
    path: '/groups',
    handler: 'functions/api/create-group.ts',
    summary: 'Create an asset group (one virtual character)',
    access: ['upstream', 'bucket:idempotency'],
    status: 201,
    request: { headers: idempotencyHeaders, body: createGroupBody },
    response: groupResponse,
    errors: ['IdempotencyConflict', 'IdempotencyInProgress'],
  },
  listGroups: {
    method: 'GET',
    path: '/groups',
    handler: 'functions/api/list-groups.ts',
    summary: 'List asset groups',
    access: ['upstream'],
    status: 200,
    request: { query: listGroupsQuery },
    response: groupPageResponse,
    errors: [],
  },
  getGroup: {
    method: 'GET',
    path: '/groups/{groupId}',
    handler: 'functions/api/get-group.ts',
    summary: 'Get one asset group',
    access: ['upstream'],
    status: 200,
    request: { path: groupPathSchema },
    response: groupResponse,
    errors: [],
  },
  deleteGroup: {
    method: 'DELETE',
    path: '/groups/{groupId}',
    handler: 'functions/api/delete-group.ts',
    summary: 'Delete an asset group and its assets',
    access: ['upstream'],
    status: 204,
    request: { path: groupPathSchema, query: deleteGroupQuery },
    errors: ['UnmanagedGroup'],
  },
});

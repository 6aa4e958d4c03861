import type { ObjectRef } from '@pothos/core';
import {
  createWebhookEndpoint,
  deleteWebhookEndpoint,
  rotateWebhookSecret,
  updateWebhookEndpoint,
} from '../../services/webhooks/endpoints.js';
import { OPEN_TARGET_POLICY } from '../../services/webhooks/target-policy.js';
import { builder, PAGING } from '../builder.js';
import { defineMutation } from '../mutation.js';
import { deletedPayload } from '../payloads.js';
import './webhook-delivery.js';

type Types = typeof builder extends PothosSchemaTypes.SchemaBuilder<infer T> ? T : never;

export const WebhookEndpointType = builder.prismaNode('WebhookEndpoint', {
  id: { field: 'id' },
  description: 'A URL that receives the organization\'s events, signed per the Standard Webhooks specification. Its secret is shown only by createWebhookEndpoint and rotateWebhookSecret.',
  nullable: true,
  findUnique: (id, ctx) => ({ id, organizationId: ctx.viewer.organizationId }),
  fields: (t) => ({
    url: t.exposeString('url', { description: 'Where events are POSTed.' }),
    description: t.exposeString('description', { nullable: true, description: 'What the endpoint is for, for people.' }),
    events: t.exposeStringList('events', { description: 'The subscribed event types, e.g. ["entry.posted", "budget.alert"]; "*" is every type.' }),
    enabled: t.exposeBoolean('enabled', { description: 'False once disabled (by repeated failures or by hand); updateWebhookEndpoint(enabled: true) re-enables it.' }),
    consecutiveFailures: t.exposeInt('consecutiveFailures', { description: 'Failed attempts in a row over all its deliveries; a success resets it.' }),
    disabledAt: t.expose('disabledAt', { type: 'DateTime', nullable: true, description: 'When it was disabled; null while enabled.' }),
    disabledReason: t.exposeString('disabledReason', { nullable: true, description: 'Why it was disabled; null while enabled.' }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When it was registered.' }),
    deliveries: t.relatedConnection('deliveries', {
      description: 'Its deliveries, newest first: status, attempts, last response code, next attempt.',
      cursor: 'id',
      ...PAGING,
      totalCount: true,
      query: { orderBy: [{ createdAt: 'desc' }, { id: 'desc' }] },
    }),
  }),
});

builder.queryField('webhookEndpoints', (t) =>
  t.prismaConnection({
    description: 'The organization\'s webhook endpoints, oldest first.',
    type: 'WebhookEndpoint',
    cursor: 'id',
    ...PAGING,
    resolve: (query, _root, _args, ctx) =>
      ctx.db.webhookEndpoint.findMany({ ...query, where: { organizationId: ctx.viewer.organizationId }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] }),
    totalCount: (_root, _args, ctx) => ctx.db.webhookEndpoint.count({ where: { organizationId: ctx.viewer.organizationId } }),
  }),
);

/** `{ endpoint, secret }`: the endpoint re-read after commit, and the secret shown this once. */
function endpointWithSecretPayload(name: string, succeeded?: string): ObjectRef<Types, { endpointId: string; secret: string }> {
  return builder.objectRef<{ endpointId: string; secret: string }>(name).implement({
    description: `${succeeded ?? 'The mutation succeeded.'} Carries the endpoint and its signing secret, shown only here.`,
    fields: (t) => ({
      endpoint: t.prismaField({
        type: 'WebhookEndpoint',
        description: 'The endpoint, read after the change was committed.',
        resolve: (query, payload, _args, ctx) => ctx.db.webhookEndpoint.findUniqueOrThrow({ ...query, where: { id: payload.endpointId } }),
      }),
      secret: t.exposeString('secret', {
        description: 'The signing secret (`whsec_…`), for verifying `webhook-signature` with any Standard Webhooks library. Shown only in this answer: store it now.',
      }),
    }),
  });
}

const eventsDescription = 'Event types to receive, e.g. ["entry.posted", "budget.alert"], or ["*"] for all (see README "Webhooks").';

defineMutation({
  name: 'createWebhookEndpoint',
  description: 'Registers a URL to receive signed events. The answer carries the signing secret, shown only this once.',
  input: (t) => ({
    url: t.string({ required: true, description: 'An http(s) URL; in production not one on a loopback, private or link-local address (unless allow-listed).' }),
    events: t.stringList({ required: true, description: eventsDescription }),
    description: t.string({ description: 'What the endpoint is for, for people; at most 500 characters.' }),
  }),
  idempotent: true,
  service: createWebhookEndpoint,
  serviceInput: (input, ctx) => ({ ...input, targetPolicy: ctx.webhookTargets ?? OPEN_TARGET_POLICY }),
  payload: (issued) => ({ endpointId: issued.endpoint.id, secret: issued.secret }),
  success: endpointWithSecretPayload,
});

defineMutation({
  name: 'updateWebhookEndpoint',
  description: 'Changes an endpoint\'s URL, events or description, or disables / re-enables it; omitted fields are kept.',
  input: (t) => ({
    id: t.id({ required: true, description: 'The WebhookEndpoint.' }),
    url: t.string({ description: 'A new URL, checked like a new endpoint\'s.' }),
    events: t.stringList({ description: eventsDescription }),
    description: t.string({ description: 'A new description; null clears it.' }),
    enabled: t.boolean({ description: 'true re-enables a disabled endpoint (its failure count restarts, waiting deliveries are due at once); false pauses it.' }),
  }),
  ids: { id: 'WebhookEndpoint' },
  service: updateWebhookEndpoint,
  serviceInput: (input, ctx) => ({ ...input, targetPolicy: ctx.webhookTargets ?? OPEN_TARGET_POLICY }),
  payload: (endpoint) => ({ endpointId: endpoint.id }),
  success: (name, succeeded) =>
    builder.objectRef<{ endpointId: string }>(name).implement({
      description: `${succeeded ?? 'The mutation succeeded.'} Carries the endpoint as it is after the change.`,
      fields: (t) => ({
        endpoint: t.prismaField({
          type: 'WebhookEndpoint',
          description: 'The endpoint, read after the change was committed.',
          resolve: (query, payload, _args, ctx) => ctx.db.webhookEndpoint.findUniqueOrThrow({ ...query, where: { id: payload.endpointId } }),
        }),
      }),
    }),
});

defineMutation({
  name: 'deleteWebhookEndpoint',
  description: 'Removes an endpoint with its delivery history; nothing more is sent to it.',
  input: (t) => ({ id: t.id({ required: true, description: 'The WebhookEndpoint.' }) }),
  ids: { id: 'WebhookEndpoint' },
  service: deleteWebhookEndpoint,
  payload: (_endpoint, input) => ({ deletedId: input.id }),
  success: deletedPayload(),
});

defineMutation({
  name: 'rotateWebhookSecret',
  description: 'Issues a new signing secret, shown only in this answer; every delivery from now on (retries too) is signed with it.',
  input: (t) => ({ id: t.id({ required: true, description: 'The WebhookEndpoint.' }) }),
  ids: { id: 'WebhookEndpoint' },
  service: rotateWebhookSecret,
  payload: (issued) => ({ endpointId: issued.endpoint.id, secret: issued.secret }),
  success: endpointWithSecretPayload,
});

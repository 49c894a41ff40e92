import { randomUUID } from 'node:crypto';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { DroverReply, KafkaTransport, KafkaTransportOptions, RequestTransport } from './transport';

/** The statuses a request ends with (the others, accepted and started, come on the way). */
const ENDED = new Set(['succeeded', 'failed', 'rolled-back', 'refused']);

export interface DroverRequestActionOptions extends Partial<KafkaTransportOptions> {
  /** Overrides the Kafka transport (tests). */
  transport?: RequestTransport;
}

/** The request CloudEvent the agent takes (see Drover's docs/agent.md, "Requests and replies"). */
export function requestEvent(
  id: string,
  kind: string,
  requester: string,
  fields: Record<string, unknown>,
  params: Record<string, unknown>,
): string {
  return JSON.stringify({
    specversion: '1.0',
    id,
    source: 'backstage:scaffolder',
    type: `dev.drover.request.${kind}`,
    time: new Date().toISOString(),
    datacontenttype: 'application/json',
    data: { requester, ...fields, ...(Object.keys(params).length > 0 ? { params } : {}) },
  });
}

/**
 * `drover:request`: asks the Drover agent for a migration (or a wave, rollback, validation, a
 * transition window's sync, or its retirement) by
 * putting a request on its Kafka queue; with `wait` (the default) follows the replies and fails
 * the step unless the request succeeded. Outputs the request id, run id, status and message.
 */
export function createDroverRequestAction(options: DroverRequestActionOptions = {}) {
  let transport = options.transport;
  return createTemplateAction({
    id: 'drover:request',
    description: 'Asks the Drover agent to migrate a dataset (or run a wave, a rollback, a validation, a sync, a retirement) and waits for the outcome.',
    examples: [
      {
        description: 'Migrate a dataset to version 2 in batches of 50,000 rows',
        example: [
          'steps:',
          '  - id: migrate',
          '    action: drover:request',
          '    input:',
          '      dataset: users-v1',
          '      targetVersion: 2',
          '      batchSize: 50000',
        ].join('\n'),
      },
    ],
    schema: {
      input: {
        kind: z => z.enum(['migrate', 'wave', 'rollback', 'validate', 'sync', 'retire']).default('migrate').describe('What to ask for'),
        migration: z => z.string().optional().describe('The migration, e.g. users/V2 (or give dataset and targetVersion)'),
        dataset: z => z.string().optional().describe('The dataset to migrate (with targetVersion), or a wave filter'),
        targetVersion: z => z.number().int().positive().optional().describe('The version to migrate the dataset to'),
        batchSize: z => z.number().int().positive().optional().describe('Rows per batch (batching.max-rows)'),
        runId: z => z.string().optional().describe('rollback, validate: the run'),
        allowChangedSpec: z => z.boolean().optional().describe('Apply again a spec changed since it was applied'),
        verify: z => z.boolean().optional().describe('sync: also compare all of the new version with the steps over the old'),
        force: z => z.boolean().optional().describe('rollback: discard later commits; retire: retire after the deadline though consumers have not moved'),
        requestId: z => z.string().optional().describe('The request id (default: new); the same id runs once'),
        wait: z => z.boolean().default(true).describe('Wait for the outcome'),
        timeoutSeconds: z => z.number().int().positive().default(3600).describe('How long to wait'),
      },
      output: {
        requestId: z => z.string(),
        status: z => z.string(),
        runId: z => z.string().optional(),
        message: z => z.string().optional(),
        exitCode: z => z.number().optional(),
      },
    },
    async handler(ctx) {
      const input = ctx.input;
      const fields: Record<string, unknown> = {};
      const params: Record<string, unknown> = {};
      switch (input.kind) {
        case 'migrate':
          if (input.migration) {
            fields.migration = input.migration;
          } else if (input.dataset && input.targetVersion) {
            fields.dataset = input.dataset;
          } else {
            throw new Error('drover:request: give migration (users/V2), or dataset and targetVersion');
          }
          break;
        case 'wave':
          fields.selection = { dataset: input.dataset ? [input.dataset] : [] };
          break;
        case 'sync':
          if (input.migration) {
            fields.migration = input.migration;
          } else {
            fields.selection = { dataset: input.dataset ? [input.dataset] : [] };
          }
          break;
        case 'retire':
          if (!input.migration) {
            throw new Error('drover:request: a retire request needs migration (users/V2)');
          }
          fields.migration = input.migration;
          break;
        default:
          if (!input.runId) {
            throw new Error(`drover:request: a ${input.kind} request needs runId`);
          }
          fields.run = input.runId;
      }
      if (input.targetVersion !== undefined) params['target-version'] = input.targetVersion;
      if (input.batchSize !== undefined) params['batching.max-rows'] = input.batchSize;
      if (input.allowChangedSpec !== undefined) params['allow-changed-spec'] = input.allowChangedSpec;
      if (input.verify !== undefined) params.verify = input.verify;
      if (input.force !== undefined) params.force = input.force;
      const credentials = await ctx.getInitiatorCredentials?.().catch(() => undefined);
      const principal = credentials?.principal as { userEntityRef?: string } | undefined;
      const requester = principal?.userEntityRef ?? 'backstage';
      const id = input.requestId ?? randomUUID();
      const event = requestEvent(id, input.kind, requester, fields, params);

      transport ??= new KafkaTransport({ brokers: options.brokers ?? [], ...options });
      let end: DroverReply | undefined;
      ctx.logger.info(`drover: request ${id}: ${input.kind} ${fields.migration ?? fields.dataset ?? fields.run ?? ''} by ${requester}`);
      await transport.send(
        id,
        event,
        input.wait
          ? reply => {
              ctx.logger.info(`drover: request ${id}: ${reply.status}${reply.runId ? ` (run ${reply.runId})` : ''}${reply.message ? `: ${reply.message}` : ''}`);
              if (ENDED.has(reply.status)) {
                end = reply;
                return true;
              }
              return false;
            }
          : undefined,
        input.timeoutSeconds * 1000,
      );
      ctx.output('requestId', id);
      if (!end) {
        ctx.output('status', 'sent');
        return;
      }
      ctx.output('status', end.status);
      if (end.runId) ctx.output('runId', end.runId);
      if (end.message) ctx.output('message', end.message);
      ctx.output('exitCode', end.exitCode ?? 0);
      if (end.status !== 'succeeded') {
        throw new Error(`drover: request ${id} ${end.status}${end.message ? `: ${end.message}` : ''}`);
      }
    },
  });
}

/**
 * Runs `drover:request` outside Backstage, as the scaffolder would for one step: the action's
 * input as JSON, its outputs printed as JSON on stdout. For the end-to-end test and for trying
 * the action against an agent without a Backstage instance.
 *   node dist/cli.js --brokers 127.0.0.1:9092 --input '{"migration": "users/V2"}'
 * Exit 0 when the request succeeded (or was only sent), 1 otherwise.
 */
import { PassThrough } from 'node:stream';
import { createDroverRequestAction } from './actions/request';

async function main(argv: string[]): Promise<number> {
  const arg = (name: string) => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const brokers = (arg('--brokers') ?? '').split(',').filter(b => b.length > 0);
  const input = JSON.parse(arg('--input') ?? '{}');
  const action = createDroverRequestAction({ brokers, requestsTopic: arg('--requests-topic'), repliesTopic: arg('--replies-topic') });
  const outputs: Record<string, unknown> = {};
  const log = (level: string) => (message: string) => process.stderr.write(`${level}: ${message}\n`);
  const logger = { info: log('info'), warn: log('warn'), error: log('error'), debug: () => undefined, child: () => logger };
  const ctx = {
    input: { kind: 'migrate', wait: true, timeoutSeconds: 3600, ...input },
    logger,
    logStream: new PassThrough(),
    output: (name: string, value: unknown) => {
      outputs[name] = value;
    },
    createTemporaryDirectory: async () => process.cwd(),
    checkpoint: async (opts: { fn: () => unknown }) => opts.fn(),
    getInitiatorCredentials: async () => ({ $$type: '@backstage/BackstageCredentials', principal: { type: 'user', userEntityRef: 'user:default/cli' } }),
    workspacePath: process.cwd(),
    task: { id: 'cli' },
  };
  let failed = false;
  try {
    await action.handler(ctx as never);
  } catch (e) {
    failed = true;
    process.stderr.write(`error: ${(e as Error).message}\n`);
  }
  process.stdout.write(`${JSON.stringify(outputs)}\n`);
  return failed ? 1 : 0;
}

main(process.argv.slice(2)).then(
  code => process.exit(code),
  e => {
    process.stderr.write(`error: ${(e as Error).message}\n`);
    process.exit(2);
  },
);

import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { createDroverRequestAction } from './request';
import { DroverReply, RequestTransport } from './transport';

/** A queue in memory: records what was sent and answers with the replies given. */
class ScriptedTransport implements RequestTransport {
  sent: { id: string; event: any }[] = [];
  constructor(private readonly replies: DroverReply[]) {}
  async send(id: string, event: string, follow?: (reply: DroverReply) => boolean): Promise<void> {
    this.sent.push({ id, event: JSON.parse(event) });
    if (!follow) return;
    for (const reply of this.replies) {
      if (follow({ ...reply, requestId: id })) return;
    }
    throw new Error('no end reply');
  }
}

const ok: DroverReply[] = [
  { requestId: '', status: 'accepted' },
  { requestId: '', status: 'started', runId: '20261201-000000-abcdef' },
  { requestId: '', status: 'succeeded', runId: '20261201-000000-abcdef', message: '3,000 rows written', exitCode: 0 },
];

describe('drover:request', () => {
  it('asks for a dataset at a target version with a batch size, and outputs the run', async () => {
    const transport = new ScriptedTransport(ok);
    const action = createDroverRequestAction({ transport });
    const ctx = createMockActionContext({
      input: { kind: 'migrate', dataset: 'users-v1', targetVersion: 2, batchSize: 5000, wait: true, timeoutSeconds: 60 } as any,
    });
    await action.handler(ctx as any);

    expect(transport.sent).toHaveLength(1);
    const event = transport.sent[0].event;
    expect(event.specversion).toBe('1.0');
    expect(event.type).toBe('dev.drover.request.migrate');
    expect(event.source).toBe('backstage:scaffolder');
    expect(event.id).toBe(transport.sent[0].id);
    expect(event.data).toEqual({
      requester: 'user:default/mock',
      dataset: 'users-v1',
      params: { 'target-version': 2, 'batching.max-rows': 5000 },
    });
    expect(ctx.output).toHaveBeenCalledWith('requestId', event.id);
    expect(ctx.output).toHaveBeenCalledWith('status', 'succeeded');
    expect(ctx.output).toHaveBeenCalledWith('runId', '20261201-000000-abcdef');
    expect(ctx.output).toHaveBeenCalledWith('exitCode', 0);
  });

  it('keeps a given request id, so a resent click runs once', async () => {
    const transport = new ScriptedTransport(ok);
    const ctx = createMockActionContext({ input: { kind: 'migrate', migration: 'users/V2', requestId: 'click-1', wait: true, timeoutSeconds: 60 } as any });
    await createDroverRequestAction({ transport }).handler(ctx as any);
    expect(transport.sent[0].id).toBe('click-1');
    expect(transport.sent[0].event.data.migration).toBe('users/V2');
  });

  it('fails the step when the migration was rolled back, with the outputs set', async () => {
    const transport = new ScriptedTransport([
      { requestId: '', status: 'accepted' },
      { requestId: '', status: 'rolled-back', runId: '20261201-000000-bad000', message: 'test stage failed', exitCode: 1 },
    ]);
    const ctx = createMockActionContext({ input: { kind: 'migrate', migration: 'users/V2', wait: true, timeoutSeconds: 60 } as any });
    await expect(createDroverRequestAction({ transport }).handler(ctx as any)).rejects.toThrow(/rolled-back: test stage failed/);
    expect(ctx.output).toHaveBeenCalledWith('status', 'rolled-back');
    expect(ctx.output).toHaveBeenCalledWith('exitCode', 1);
  });

  it('only sends when told not to wait', async () => {
    const transport = new ScriptedTransport([]);
    const ctx = createMockActionContext({ input: { kind: 'validate', runId: '20261201-000000-abcdef', wait: false, timeoutSeconds: 60 } as any });
    await createDroverRequestAction({ transport }).handler(ctx as any);
    expect(transport.sent[0].event.data.run).toBe('20261201-000000-abcdef');
    expect(ctx.output).toHaveBeenCalledWith('status', 'sent');
  });

  it('refuses a migrate request that names neither a migration nor a dataset and version, sending nothing', async () => {
    const transport = new ScriptedTransport(ok);
    const ctx = createMockActionContext({ input: { kind: 'migrate', dataset: 'users-v1', wait: true, timeoutSeconds: 60 } as any });
    await expect(createDroverRequestAction({ transport }).handler(ctx as any)).rejects.toThrow(/give migration/);
    expect(transport.sent).toHaveLength(0);
  });

  it('asks for a sync of one window, with verify', async () => {
    const transport = new ScriptedTransport(ok);
    const ctx = createMockActionContext({ input: { kind: 'sync', migration: 'users/V2', verify: true, wait: true, timeoutSeconds: 60 } as any });
    await createDroverRequestAction({ transport }).handler(ctx as any);
    expect(transport.sent[0].event.type).toBe('dev.drover.request.sync');
    expect(transport.sent[0].event.data.migration).toBe('users/V2');
    expect(transport.sent[0].event.data.params).toEqual({ verify: true });
  });

  it('asks for a sync of every window of a dataset when no migration is named', async () => {
    const transport = new ScriptedTransport(ok);
    const ctx = createMockActionContext({ input: { kind: 'sync', dataset: 'users-v1', wait: true, timeoutSeconds: 60 } as any });
    await createDroverRequestAction({ transport }).handler(ctx as any);
    expect(transport.sent[0].event.data.selection).toEqual({ dataset: ['users-v1'] });
  });

  it('asks to retire a window, forced, and refuses one without a migration', async () => {
    const transport = new ScriptedTransport(ok);
    const ctx = createMockActionContext({ input: { kind: 'retire', migration: 'users/V2', force: true, wait: true, timeoutSeconds: 60 } as any });
    await createDroverRequestAction({ transport }).handler(ctx as any);
    expect(transport.sent[0].event.type).toBe('dev.drover.request.retire');
    expect(transport.sent[0].event.data.params).toEqual({ force: true });
    const none = new ScriptedTransport(ok);
    const bad = createMockActionContext({ input: { kind: 'retire', wait: true, timeoutSeconds: 60 } as any });
    await expect(createDroverRequestAction({ transport: none }).handler(bad as any)).rejects.toThrow(/needs migration/);
    expect(none.sent).toHaveLength(0);
  });

  it('needs brokers when no transport is given', async () => {
    const ctx = createMockActionContext({ input: { kind: 'migrate', migration: 'users/V2', wait: false, timeoutSeconds: 60 } as any });
    await expect(createDroverRequestAction({}).handler(ctx as any)).rejects.toThrow(/drover.kafka.brokers/);
  });
});

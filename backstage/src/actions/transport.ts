import { Kafka, KafkaConfig, logLevel } from 'kafkajs';

/** A reply of the Drover agent: the CloudEvent's data. */
export interface DroverReply {
  requestId: string;
  status: string;
  kind?: string;
  target?: string;
  runId?: string | null;
  message?: string;
  exitCode?: number;
}

/** How the action reaches the agent's queue; Kafka in production, anything in unit tests. */
export interface RequestTransport {
  /**
   * Puts the request (CloudEvent JSON, keyed by its id) on the requests topic and, when
   * `follow` is given, calls it with every reply to that id until it returns true or the
   * timeout passes (then rejects).
   */
  send(requestId: string, event: string, follow?: (reply: DroverReply) => boolean, timeoutMs?: number): Promise<void>;
}

export interface KafkaTransportOptions {
  brokers: string[];
  requestsTopic?: string;
  repliesTopic?: string;
  clientId?: string;
  /** Extra kafkajs settings (ssl, sasl); never logged. */
  kafka?: Partial<KafkaConfig>;
}

/** The agent's topics over kafkajs: an idempotent producer, and a consumer per waiting request. */
export class KafkaTransport implements RequestTransport {
  private readonly kafka: Kafka;
  private readonly requestsTopic: string;
  private readonly repliesTopic: string;

  constructor(options: KafkaTransportOptions) {
    if (!options.brokers || options.brokers.length === 0) {
      throw new Error('drover.kafka.brokers: expected the Kafka brokers of the Drover agent, host:port');
    }
    this.kafka = new Kafka({
      ...options.kafka,
      clientId: options.clientId ?? 'backstage-drover',
      brokers: options.brokers,
      logLevel: logLevel.ERROR,
    });
    this.requestsTopic = options.requestsTopic ?? 'drover.requests';
    this.repliesTopic = options.repliesTopic ?? 'drover.replies';
  }

  async send(requestId: string, event: string, follow?: (reply: DroverReply) => boolean, timeoutMs = 3_600_000): Promise<void> {
    let done: Promise<void> | undefined;
    const consumer = follow ? this.kafka.consumer({ groupId: `backstage-drover-${requestId}-${Date.now()}` }) : undefined;
    const admin = this.kafka.admin();
    try {
      if (consumer && follow) {
        // the replies topic's end as it is now: every reply to this request comes after it
        await admin.connect();
        const ends = await admin.fetchTopicOffsets(this.repliesTopic);
        await consumer.connect();
        await consumer.subscribe({ topic: this.repliesTopic, fromBeginning: true });
        done = new Promise<void>((resolve, reject) => {
          const timer = setTimeout(
            () => reject(new Error(`no end reply to request ${requestId} within ${Math.round(timeoutMs / 1000)} s; it stays on the queue`)),
            timeoutMs,
          );
          consumer
            .run({
              eachMessage: async ({ message }) => {
                if (message.key?.toString() !== requestId || !message.value) {
                  return;
                }
                const reply = JSON.parse(message.value.toString()).data as DroverReply;
                if (follow(reply)) {
                  clearTimeout(timer);
                  resolve();
                }
              },
            })
            .catch(reject);
        });
        for (const end of ends) {
          consumer.seek({ topic: this.repliesTopic, partition: end.partition, offset: end.high });
        }
      }
      const producer = this.kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
      await producer.connect();
      try {
        await producer.send({ topic: this.requestsTopic, acks: -1, messages: [{ key: requestId, value: event }] });
      } finally {
        await producer.disconnect();
      }
      if (done) {
        await done;
      }
    } finally {
      await admin.disconnect().catch(() => undefined);
      if (consumer) {
        await consumer.disconnect().catch(() => undefined);
      }
    }
  }
}

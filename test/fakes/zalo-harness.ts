// Test harness: the Zalo channel on a bare Fastify server over real HTTP on 127.0.0.1, a fresh
// database of the given kind, a fake Zalo, the stub pipeline and the test recorder. Backoff is
// shortened so retry paths finish quickly; everything else is the production code.
import Fastify, { type FastifyInstance } from 'fastify';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { testConfig } from '../../src/config.js';
import { createMetrics } from '../../src/metrics.js';
import { createZaloChannel, type ZaloChannel } from '../../src/channel/zalo-channel.js';
import { createTestDb, type DbKind, type TestDb } from '../helpers/db.js';
import { fakeZaloEnv, startFakeZalo, type FakeZalo } from './fake-zalo.js';
import { stubPipeline, testRecorder } from './stub-answers.js';

export interface Harness {
  base: string;
  zalo: FakeZalo;
  tdb: TestDb;
  channel: ZaloChannel;
  pipeline: ReturnType<typeof stubPipeline>;
  recorder: ReturnType<typeof testRecorder>;
  app: FastifyInstance;
  close(): Promise<void>;
}

export async function startHarness(
  kind: DbKind,
  opts: { env?: Record<string, string>; start?: boolean; zalo?: FakeZalo; failFor?: string } = {},
): Promise<Harness> {
  const zalo = opts.zalo ?? (await startFakeZalo());
  const tdb = await createTestDb(kind);
  const config = testConfig({
    ...fakeZaloEnv(zalo.url),
    // A total deadline per call: generous enough that a loaded CI machine does not time out sends
    // the fake already recorded (which would count as duplicates).
    ZALO_HTTP_TIMEOUT_MS: '2000',
    WORKER_POLL_MS: '50',
    ...opts.env,
  });
  const pipeline = stubPipeline({ failFor: opts.failFor });
  const recorder = testRecorder();
  const channel = createZaloChannel({
    config,
    db: tdb.db,
    log: pino({ level: 'silent' }),
    metrics: createMetrics(),
    pipeline: () => pipeline,
    recorder: () => recorder,
    backoff: { baseMs: 20, capMs: 200, jitter: 0.5 },
  });
  const app = Fastify({ bodyLimit: config.WEBHOOK_BODY_LIMIT });
  await app.register(channel.webhook);
  await app.listen({ port: 0, host: '127.0.0.1' });
  await channel.prepare();
  if (opts.start !== false) {
    channel.worker.start();
    channel.sender.start();
  }
  const { port } = app.server.address() as AddressInfo;
  return {
    base: `http://127.0.0.1:${port}`,
    zalo,
    tdb,
    channel,
    pipeline,
    recorder,
    app,
    async close() {
      await channel.worker.stop();
      await channel.sender.stop();
      await app.close();
      if (!opts.zalo) await zalo.close();
      await tdb.drop();
    },
  };
}

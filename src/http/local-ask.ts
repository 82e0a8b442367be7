// `npm run ask` / `npm run chat` beside a running embedded server (issue 13). Only one process
// may open the embedded data directory, so a CLI that finds it owned asks the owner instead: the
// server writes DATA_DIR/local-ask.json (0600: its pid, a loopback URL and a random token) and
// answers POST /internal/ask only from a loopback address, without proxy headers, with that token.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AnswerPipeline } from '../answer/types.js';

export const LOCAL_ASK_FILE = 'local-ask.json';
export const LOCAL_ASK_PATH = '/internal/ask';

export interface LocalAskInfo {
  pid: number;
  url: string;
  token: string;
}

const Body = z.object({
  question: z.string().max(4000),
  ctx: z
    .object({
      lastLang: z.enum(['vi', 'en']).optional(),
      conversation: z.record(z.string(), z.unknown()).nullable().optional(),
      now: z.string().optional(),
    })
    .optional(),
});

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

function sameToken(given: string, token: string): boolean {
  const a = crypto.createHash('sha256').update(given).digest();
  const b = crypto.createHash('sha256').update(token).digest();
  return crypto.timingSafeEqual(a, b);
}

export function localAskRoutes(app: FastifyInstance, deps: { token: string; pipeline: () => AnswerPipeline }): void {
  app.post(LOCAL_ASK_PATH, async (req, reply) => {
    // the socket's address, not req.ip: X-Forwarded-For must not make a remote caller look local
    const remote = req.socket.remoteAddress ?? '';
    const proxied = req.headers['x-forwarded-for'] !== undefined || req.headers.forwarded !== undefined;
    const auth = req.headers.authorization ?? '';
    // a server bound to one interface is reached from this machine with the same address on both ends
    const local = LOOPBACK.has(remote) || remote === req.socket.localAddress;
    if (!local || proxied || !auth.startsWith('Bearer ') || !sameToken(auth.slice(7), deps.token)) {
      return reply.code(404).send({ error: 'not found' });
    }
    const parsed = Body.safeParse(req.body);
    if (!parsed.success) return reply.code(400).send({ error: 'bad request' });
    return deps.pipeline().answer(parsed.data.question, parsed.data.ctx ?? {});
  });
}

/** Writes DATA_DIR/local-ask.json readable by the owner only; returns a function that removes it. */
export function writeLocalAskFile(dataDir: string, info: LocalAskInfo): () => void {
  const file = path.join(dataDir, LOCAL_ASK_FILE);
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(info) + '\n', { mode: 0o600 });
  fs.chmodSync(tmp, 0o600); // whatever the umask
  fs.renameSync(tmp, file);
  return () => {
    try {
      const now = JSON.parse(fs.readFileSync(file, 'utf8')) as LocalAskInfo;
      if (now.token === info.token) fs.unlinkSync(file);
    } catch {
      /* already gone */
    }
  };
}

export function readLocalAskFile(dataDir: string): LocalAskInfo | null {
  try {
    const v = JSON.parse(fs.readFileSync(path.join(dataDir, LOCAL_ASK_FILE), 'utf8')) as Partial<LocalAskInfo>;
    return typeof v.pid === 'number' && typeof v.url === 'string' && typeof v.token === 'string' ? (v as LocalAskInfo) : null;
  } catch {
    return null;
  }
}

/** An AnswerPipeline that asks the running server. */
export function remotePipeline(info: LocalAskInfo): AnswerPipeline {
  return {
    async answer(question, ctx) {
      const body = JSON.stringify({ question, ctx: ctx ? { ...ctx, now: ctx.now instanceof Date ? ctx.now.toISOString() : ctx.now } : undefined });
      const r = await fetch(info.url + LOCAL_ASK_PATH, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${info.token}` }, body });
      if (!r.ok) throw new Error(`the running service (pid ${info.pid}) did not answer: HTTP ${r.status}`);
      return (await r.json()) as Awaited<ReturnType<AnswerPipeline['answer']>>;
    },
  };
}

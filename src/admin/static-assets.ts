// The dashboard's own CSS and JS (src/admin/public) and Chart.js from node_modules, served
// from the app itself: no CDN, and CSP allows only 'self'. Files are read once at start-up
// and served from an allowlist, so no request path ever reaches the file system.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';

const PUBLIC_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'public');
const TYPES: Record<string, string> = { '.css': 'text/css; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.svg': 'image/svg+xml' };

function chartJsPath(): string {
  // chart.js exports only its module entry points; the UMD build sits next to them in dist/.
  const entry = createRequire(import.meta.url).resolve('chart.js');
  return path.join(path.dirname(entry), 'chart.umd.js');
}

interface Asset {
  body: Buffer;
  type: string;
  etag: string;
}

export function loadAssets(): Map<string, Asset> {
  const files: Array<[string, string]> = fs
    .readdirSync(PUBLIC_DIR)
    .filter((f) => TYPES[path.extname(f)])
    .map((f) => [f, path.join(PUBLIC_DIR, f)]);
  files.push(['chart.umd.js', chartJsPath()]);
  const out = new Map<string, Asset>();
  for (const [name, file] of files) {
    const body = fs.readFileSync(file);
    out.set(name, { body, type: TYPES[path.extname(name)]!, etag: `"${crypto.createHash('sha1').update(body).digest('base64url')}"` });
  }
  return out;
}

/** GET /static/:file (under the /admin prefix). */
export function staticRoutes(admin: FastifyInstance): void {
  const assets = loadAssets();
  admin.get<{ Params: { file: string } }>('/static/:file', async (req, reply) => {
    const asset = assets.get(req.params.file);
    if (!asset) return reply.code(404).type('text/plain; charset=utf-8').send('Không tìm thấy');
    reply.header('cache-control', 'public, max-age=3600').header('etag', asset.etag);
    if (req.headers['if-none-match'] === asset.etag) return reply.code(304).send();
    return reply.type(asset.type).send(asset.body);
  });
}

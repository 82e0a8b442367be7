// Creates the embedded database's template: an empty, initialised PGlite data directory as a
// tarball, keyed by the PGlite version (node_modules/.cache/chau-tien-assistant/). A first start
// then loads it instead of running initdb inside the service, whose WASM initdb peaks at ~700 MB
// RSS (two PostgreSQL instances and a tar in memory); loading the template peaks under 300 MB.
// Run by `npm start` / `npm run build` when missing, and by the Docker build. Usage: node scripts/pglite-template.mjs
import { Buffer } from 'node:buffer';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(path.join(root, 'package.json'));
const pkgDir = path.dirname(path.dirname(require.resolve('@electric-sql/pglite')));
const version = JSON.parse(fs.readFileSync(path.join(pkgDir, 'package.json'), 'utf8')).version;
const dir = path.join(root, 'node_modules', '.cache', 'chau-tien-assistant');
const file = path.join(dir, `pglite-${version}.tar.gz`);
if (fs.existsSync(file) && !process.argv.includes('--force')) process.exit(0);
const { PGlite } = await import('@electric-sql/pglite');
const db = await PGlite.create('memory://');
const blob = await db.dumpDataDir('gzip');
await db.close();
fs.mkdirSync(dir, { recursive: true });
const tmp = `${file}.${process.pid}.tmp`;
fs.writeFileSync(tmp, Buffer.from(await blob.arrayBuffer()));
fs.renameSync(tmp, file);
console.error(`embedded database template: ${path.relative(root, file)} (${Math.round(fs.statSync(file).size / 1024)} KB)`);

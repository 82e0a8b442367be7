// npm start: runs the compiled service (dist/server.js), building dist/ first when it is missing
// or older than the sources. A compiled start reaches /readyz faster and with less memory than
// running the TypeScript through tsx (README "Production build" has the numbers), and a fresh
// clone still needs only `npm ci && npm start`. Concurrent starts take turns building (a lock
// directory), and the service itself runs in this process (signals reach it directly).
// package.json runs this with --max-semi-space-size=4 (a small young generation: −30 MB RSS at
// rest) and --liftoff-only: PGlite's WebAssembly stays on V8's baseline compiler.
// TurboFan's second copy of PostgreSQL's code cost ~60 MB RSS (194 → 132 MB for an open database)
// and its background compiles competed with the service on 2 cores; the embedded database's
// queries are small, and answering is JavaScript, which the flag does not touch.
// --max-old-space-size=512: V8 sizes heap growth from the heap limit. Without one, on a host with
// more than 16 GB V8 allows 4 GB and lets garbage grow to up to 4× the live heap (~55 MB here)
// before a full collection; under 1 GB it grows by ~1.3–1.4×. The answer workers get the same
// limit (src/answer/pool.ts). MALLOC_ARENA_MAX=2 (unless set): glibc's per-thread malloc arenas
// each keep freed memory resident; two arenas cut ~25–35 MB (bench/e2e/results.md).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = path.join(root, 'dist');
const stamp = path.join(dist, '.build-stamp');
const lock = path.join(root, '.dist-build.lock');
const INPUTS = ['src', 'tsconfig.json', 'tsconfig.build.json', 'scripts/copy-assets.mjs'];

function newest(p) {
  const st = fs.statSync(p, { throwIfNoEntry: false });
  if (!st) return 0;
  if (!st.isDirectory()) return st.mtimeMs;
  let m = st.mtimeMs;
  for (const e of fs.readdirSync(p)) m = Math.max(m, newest(path.join(p, e)));
  return m;
}
const stale = () => {
  const built = fs.statSync(stamp, { throwIfNoEntry: false })?.mtimeMs ?? 0;
  return built === 0 || Math.max(...INPUTS.map((i) => newest(path.join(root, i)))) > built;
};

async function takeLock() {
  for (let i = 0; i < 1200; i++) {
    try {
      fs.mkdirSync(lock);
      return;
    } catch (err) {
      if (err.code !== 'EEXIST') throw err;
      // a lock older than 10 minutes was left by a build that died
      const age = Date.now() - (fs.statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
      if (age > 600_000) fs.rmSync(lock, { recursive: true, force: true });
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  throw new Error(`could not take ${lock}`);
}

if (stale()) {
  await takeLock();
  try {
    if (stale()) {
      const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc');
      if (!fs.existsSync(tsc)) {
        console.error('dist/ is missing or out of date and TypeScript is not installed: run `npm ci` (with dev dependencies) and `npm run build`.');
        process.exit(1);
      }
      console.error('building dist/ (first start, or the sources changed) …');
      fs.rmSync(dist, { recursive: true, force: true });
      for (const [cmd, args] of [[tsc, ['-p', 'tsconfig.build.json']], [path.join(root, 'scripts', 'copy-assets.mjs'), []]]) {
        const r = spawnSync(process.execPath, [cmd, ...args], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
        if (r.status !== 0) {
          console.error(`build failed (${path.basename(cmd)} exit ${r.status}); \`npm run build\` shows the errors`);
          process.exit(1);
        }
      }
      fs.writeFileSync(stamp, new Date().toISOString() + '\n');
    }
  } finally {
    fs.rmSync(lock, { recursive: true, force: true });
  }
}
// the embedded database's template (once per install): initdb runs in a short-lived child
// process instead of inside the service (scripts/pglite-template.mjs)
if (!process.env.DATABASE_URL) {
  const r = spawnSync(process.execPath, [path.join(root, 'scripts', 'pglite-template.mjs')], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
  if (r.status !== 0) console.error('could not create the embedded database template; the first start runs initdb itself');
}
await import(pathToFileURL(path.join(dist, 'server.js')).href);

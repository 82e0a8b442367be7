// Worker entry when the service runs from source (tsx, vitest): a worker thread has no TypeScript
// loader of its own, so the .ts worker is imported through tsx's scoped API. The compiled build
// (dist/) starts parse-worker.js directly and never reads this file.
import { tsImport } from 'tsx/esm/api';

await tsImport('./parse-worker.ts', import.meta.url);

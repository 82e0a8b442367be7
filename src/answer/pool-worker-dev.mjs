// Worker entry when the service runs from source (tsx, vitest): a worker thread started by
// Piscina has no TypeScript loader of its own (neither tsx's nor vitest's reaches it), so the .ts
// worker is imported through tsx's scoped API. The compiled build (dist/) loads pool-worker.js
// directly and never reads this file.
import { tsImport } from 'tsx/esm/api';

const mod = await tsImport('./pool-worker.ts', import.meta.url);
export default mod.default;

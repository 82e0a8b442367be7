// After `tsc -p tsconfig.build.json`: copies what the compiled service reads from beside its
// modules. migrations/, prompts/ and knowledge/ are read from the project root (../../ of a
// module), so dist/ works from the same checkout and from the Docker image alike.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const copies = [['src/admin/public', 'dist/admin/public']];
for (const [from, to] of copies) {
  fs.rmSync(path.join(root, to), { recursive: true, force: true });
  fs.cpSync(path.join(root, from), path.join(root, to), { recursive: true });
  console.log(`copied ${from} → ${to}`);
}

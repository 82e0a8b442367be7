// Imported first by every entry point (ESM evaluates imports in order): stops with a clear
// message on a Node.js the service does not support, before a dependency fails obscurely.
// The service and its dependencies rely on require(esm) (Node 20.19+, 22.12+), which Node
// reports as process.features.require_module.
const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
const features = process.features as { require_module?: boolean };
const supported = (major === 20 && minor >= 19) || (major === 22 && minor >= 12) || major >= 23;
if (!features.require_module || !supported) {
  console.error(
    `This service needs Node.js 22 LTS (22.12 or newer) or 20.19+, with require(esm) enabled; this is Node ${process.versions.node}` +
      `${features.require_module ? '' : ' without require(esm) support (process.features.require_module)'}. Install Node 22 LTS.`,
  );
  process.exit(1);
}
export {};

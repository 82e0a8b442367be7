# Production image: Node 22 LTS on Debian 12, the compiled service (dist/), production
# dependencies only (no tsx, no TypeScript), non-root user. Configure it with the same environment
# as `npm start` (see README); mount a volume at /app/data for the embedded database, or set
# DATABASE_URL for PostgreSQL with pgvector (several replicas: docker-compose.scale.yml).

# 1. compile TypeScript to dist/ (needs the dev dependencies)
FROM node:22-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY scripts ./scripts
COPY src ./src
RUN npx tsc -p tsconfig.build.json && node scripts/copy-assets.mjs

# 2. production dependencies, and the embedded database's template (initdb runs here, at build
#    time, not in the container's first start: scripts/pglite-template.mjs)
FROM node:22-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
RUN npm ci --omit=dev --no-audit --no-fund
COPY scripts/pglite-template.mjs ./scripts/
RUN node scripts/pglite-template.mjs

FROM node:22-bookworm-slim
# MALLOC_ARENA_MAX=2: glibc gives each thread (answer workers, libuv, V8's helpers) its own malloc
# arena, and freed memory stays resident in each; two arenas cut ~25-35 MB of RSS (bench/e2e/results.md)
ENV NODE_ENV=production HOST=0.0.0.0 PORT=3000 DATA_DIR=/app/data MALLOC_ARENA_MAX=2
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY migrations ./migrations
COPY knowledge ./knowledge
COPY prompts ./prompts
RUN mkdir -p /app/data && chown -R node:node /app/data
USER node
EXPOSE 3000
VOLUME ["/app/data"]
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1)).catch(()=>process.exit(1))"
# --liftoff-only: PGlite's WebAssembly on V8's baseline compiler only; --max-semi-space-size=4:
# a small young generation on the main thread (README "Memory"); --max-old-space-size=512: V8
# sizes heap growth from the limit, and without one (a 4 GB default on a large host) garbage grows
# to several times the live heap before a full collection (scripts/start.mjs)
CMD ["node", "--liftoff-only", "--max-semi-space-size=4", "--max-old-space-size=512", "dist/server.js"]

# syntax=docker/dockerfile:1
# Docent: the HTTP service, plus Slack and Discord when configured. State lives on the /data volume.

# Stage 1: production dependencies only (LanceDB's native build comes from its npm package). No
# scripts: `prepare` would build, and this stage has neither the sources nor TypeScript.
FROM node:24-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund

# Stage 2: every dependency, the TypeScript compiled into dist/, and the admin console built into
# dist/console.
FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY adapters ./adapters
COPY graphs ./graphs
COPY console ./console
RUN npm run build

# Stage 3: the runtime image: compiled JavaScript run by plain node, without npm's cache or dev tooling.
FROM node:24-bookworm-slim
# MALLOC_ARENA_MAX: LanceDB's native threads allocate through glibc, which otherwise gives each
# thread its own arena; two arenas cut peak memory by a fifth to a third (BENCHMARKS.md).
ENV NODE_ENV=production \
    DATA_DIR=/data \
    PORT=8080 \
    HOST=0.0.0.0 \
    LANCEDB_LOG=error \
    MALLOC_ARENA_MAX=2
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY bin ./bin
COPY samples ./samples
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||8080)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
STOPSIGNAL SIGTERM
CMD ["node", "bin/docent.js", "serve"]

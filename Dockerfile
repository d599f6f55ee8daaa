# meibel-mock: the Meibel AI List Sessions emulator as a container.
#
#   docker build -t meibel-mock .
#   docker run --rm -p 8000:8000 meibel-mock
#
# Stages: toolchain (compiler for better-sqlite3) -> build (dependencies,
# TypeScript, then dev dependencies pruned) -> runtime (no compiler, no dev deps).
# better-sqlite3 is compiled from source against the image's own Node headers,
# so nothing but npm packages is downloaded (no prebuilt binaries, no headers).
# Legacy builder compatible: no BuildKit-only syntax.

ARG NODE_VERSION=24

FROM node:${NODE_VERSION}-bookworm-slim AS toolchain
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
ENV npm_config_build_from_source=true \
    npm_config_nodedir=/usr/local \
    npm_config_update_notifier=false \
    npm_config_fund=false \
    npm_config_audit=false
WORKDIR /app
COPY package.json package-lock.json ./

# All dependencies (better-sqlite3 compiled here, once), then the compiled
# TypeScript in dist/, then the dev dependencies pruned away. The object file
# proves better-sqlite3 was compiled here (a downloaded prebuilt binary has
# none); the module is loaded and used, then its sources and intermediate
# build files (about 26 MB) are dropped: only build/Release/better_sqlite3.node
# is needed at run time.
FROM toolchain AS build
RUN npm ci && npm cache clean --force
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
# The build bundles the CLI and prepares the default data from the fixtures
# (scripts/bundle.mjs, with esbuild: a dev dependency, pruned after).
COPY scripts ./scripts
COPY fixtures ./fixtures
RUN npm run build \
 && npm prune --omit=dev \
 && test -f node_modules/better-sqlite3/build/Release/obj.target/better_sqlite3/src/better_sqlite3.o \
 && node -e "new (require('better-sqlite3'))(':memory:').prepare('select 1').get()" \
 && cd node_modules/better-sqlite3 \
 && mv build/Release/better_sqlite3.node /tmp/ \
 && rm -rf deps src build \
 && mkdir -p build/Release && mv /tmp/better_sqlite3.node build/Release/ \
 && cd /app && node -e "new (require('better-sqlite3'))(':memory:').prepare('select 1').get()" \
 && npm cache clean --force

FROM node:${NODE_VERSION}-bookworm-slim AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=8000
WORKDIR /app
# Owned by root and read-only for the `node` user; /data is writable for an
# optional SQLite file (MEIBEL_MOCK_DB=/data/sessions.db).
COPY package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY openapi ./openapi
COPY fixtures ./fixtures
RUN mkdir /data && chown node:node /data \
 && node -e "require('better-sqlite3')"
USER node
EXPOSE 8000
# Readiness (database open and seeded), with node itself: the slim image has no curl.
HEALTHCHECK --interval=10s --timeout=3s --start-period=5s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 8000) + '/ready', { signal: AbortSignal.timeout(2500) }).then((r) => process.exit(r.status === 200 ? 0 : 1), () => process.exit(1))"]
# Exec form: node is PID 1 and receives SIGTERM itself (the CLI closes cleanly).
ENTRYPOINT ["node", "dist/cli.js"]

# One Dockerfile, one target per service; the image name is the service (folder) name:
#   docker build --target grpc-client  -t <registry>/grpc-client:<tag>  .
#   docker build --target grpc-server  -t <registry>/grpc-server:<tag>  .
#   docker build --target redis-writer -t <registry>/redis-writer:<tag> .
#   docker build --target grades-api   -t <registry>/grades-api:<tag>   .
# scripts/images.sh builds, pushes and pins all four (REGISTRY, TAG).
#
# Base: Node 24, the Active LTS line (supported into 2028), on Debian bookworm "slim": glibc, so the
# prebuilt native pieces of the npm dependencies install without a compiler, at a fraction of the
# full image. The code itself needs Node >= 20.19 (package.json engines). Override with
# --build-arg NODE_IMAGE=... (e.g. a digest-pinned reference).
ARG NODE_IMAGE=node:24-bookworm-slim

# ---- build: compile TypeScript to dist/ with the dev dependencies, then throw them away ----------
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
# proto/options.ts computes PROTO_ROOT from its own location, so our .proto files must sit next to the
# compiled dist/proto/options.js, in the same folders as in the source tree. grpc.health.v1's comes
# with the grpc-health-check package in node_modules.
RUN npx tsc -p tsconfig.build.json \
 && cd proto && find . -name '*.proto' -exec cp --parents '{}' ../dist/proto/ ';' \
 && test -f ../dist/proto/grades/v1/grades.proto

# ---- production dependencies only ---------------------------------------------------------------
FROM ${NODE_IMAGE} AS prod-deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

# ---- runtime: shared by the service targets ------------------------------------------------
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY --from=prod-deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
# Numeric, so Kubernetes can verify runAsNonRoot (the `node` user of the base image is 1000:1000).
USER 1000:1000
# node runs as PID 1 and the services handle SIGTERM themselves (drain, then exit within
# SHUTDOWN_GRACE_MS), so no init wrapper is needed.

FROM runtime AS grpc-client
EXPOSE 8081
CMD ["node", "dist/grpc-client/main.js"]

FROM runtime AS grpc-server
EXPOSE 50051 9090
CMD ["node", "dist/grpc-server/main.js"]

FROM runtime AS redis-writer
EXPOSE 8082
CMD ["node", "dist/redis-writer/main.js"]

# The read-only JSON view of both stores that Grafana's Infinity datasource reads (grafana/).
FROM runtime AS grades-api
EXPOSE 8090
CMD ["node", "dist/grades-api/main.js"]

# syntax=docker/dockerfile:1

# The Link Preview Service as a small, non-root image. Build:  docker build -t link-preview-service .
# Node 24 is the active LTS line; the code also runs (and is tested in CI) on Node 20.19+ and 22.
ARG NODE_IMAGE=node:24-alpine

# 1. Compile TypeScript with every dependency (dev ones included). No install scripts: the build needs only tsc, and
#    the scripts belong to dev tools (native builds for benchmarks) and telemetry.
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json nest-cli.json ./
COPY src ./src
RUN npm run build

# 2. Production dependencies only, installed from the same lockfile.
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force

# 3. What runs: the compiled code, production dependencies, tini as PID 1, an unprivileged user.
FROM ${NODE_IMAGE} AS runtime
RUN apk add --no-cache tini
ENV NODE_ENV=production \
    PORT=3000 \
    HOST=0.0.0.0
WORKDIR /app
# Owned by root and read-only for the service user: the process cannot rewrite its own code.
COPY package.json ./
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY deploy/docker/docker-entrypoint.sh deploy/docker/healthcheck.mjs ./
USER node
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 CMD ["node", "/app/healthcheck.mjs"]
# tini forwards SIGTERM to the service (which drains, see SHUTDOWN_DELAY_MS / SHUTDOWN_TIMEOUT_MS) and reaps children.
ENTRYPOINT ["/sbin/tini", "--", "/app/docker-entrypoint.sh"]
CMD ["node", "dist/main.js"]

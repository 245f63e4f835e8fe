# Moderato container image. One image runs both processes:
#   api     node --max-semi-space-size=32 dist/apps/api/src/main.js     (the default command; HTTP on port 3000)
#   worker  node --max-semi-space-size=32 dist/apps/worker/src/main.js  (queue processors; no HTTP)
#   moderato  the operator's command line: moderato doctor | migrate | server add|list | token inspect
# Migrations by hand (instead of DB_MIGRATE_ON_BOOT=true):
#   docker compose exec api moderato migrate       (or: node dist/libs/schema/src/migration-cli.js run)
# Check the whole setup:
#   docker compose exec api moderato doctor
#
#   docker build -t moderato:0.2.0 .
#   docker run --init -p 3000:3000 --env-file production.env moderato:0.2.0
#   (production.env: DATABASE_URL, REDIS_URL, COOKIE_SECRET, SECRETS_KEY, OIDC_ISSUER, ...)
#
# docker-compose.yml in this folder builds and runs it with everything it needs. Configuration is
# environment variables only (see .env.example); nothing in the image is secret.

ARG NODE_IMAGE=node:22-bookworm-slim

# --- deps: every dependency, the build tools included ------------------------------------------
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
ENV NPM_CONFIG_UPDATE_NOTIFIER=false
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund

# --- build: TypeScript -> dist/ (apps, libs, migrations, plus the api's views and public) ------
FROM deps AS build
COPY . .
RUN npm run build

# --- runtime: production dependencies and the compiled code, run as the unprivileged user ------
FROM ${NODE_IMAGE} AS runtime
# The release this image is built from: package.json's version (a test keeps the two equal), also
# what `moderato_build_info` on /metrics reports. Tag the image with it (docker-compose.yml does).
LABEL org.opencontainers.image.title="Moderato" \
      org.opencontainers.image.version="0.2.0" \
      org.opencontainers.image.licenses="AGPL-3.0-or-later"
ENV NODE_ENV=production \
    NPM_CONFIG_UPDATE_NOTIFIER=false
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
# The compiled migrations are in dist/migrations. The files stay owned by root: the app only
# reads them.
COPY --from=build /app/dist ./dist
# npm run doctor / npm run moderato load it (harmless on the rewritten build output).
COPY --from=build /app/scripts/alias-hook.cjs ./scripts/alias-hook.cjs
# `moderato` on the PATH (the CLI of dist/apps/cli), for docker compose exec / docker run.
RUN printf '#!/bin/sh\nexec node /app/dist/apps/cli/src/main.js "$@"\n' > /usr/local/bin/moderato \
  && chmod 755 /usr/local/bin/moderato
USER node
EXPOSE 3000
# Liveness: GET /healthz must answer 200. The slim image has no curl, so node asks.
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "require('http').get({ host: '127.0.0.1', port: process.env.PORT || 3000, path: '/healthz', timeout: 4000 }, (res) => process.exit(res.statusCode === 200 ? 0 : 1)).on('timeout', () => process.exit(1)).on('error', () => process.exit(1))"]
CMD ["node", "--max-semi-space-size=32", "dist/apps/api/src/main.js"]

# One image for every service; docker-compose picks the entry point per service.
FROM node:24-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production \
    APOLLO_TELEMETRY_DISABLED=true \
    npm_config_update_notifier=false
COPY package.json package-lock.json ./
# The postinstall script applies patches/ (postgres.js: a database restart must not end a
# service) with patch-package, a dev dependency: install everything, then drop dev packages.
COPY patches ./patches
RUN npm ci --include=dev --no-audit --no-fund && npm prune --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force
COPY lib ./lib
COPY schema ./schema
COPY migrations ./migrations
COPY subgraphs ./subgraphs
COPY gateway ./gateway
COPY scripts ./scripts
COPY tsconfig.json ./
USER node
# TypeScript runs through tsx's loader: no build step, the image runs the reviewed sources.
ENTRYPOINT ["node", "--import", "tsx"]
CMD ["gateway/index.ts"]

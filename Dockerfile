# One image for every Parley service; APP chooses which one runs.
#   docker build -t parley .
#   docker run -e APP=conversation-service -e NATS_URL=… -e DATABASE_URL=… parley
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# The locked versions, installed as .ci/run does: `npm ci` refuses this lockfile (it lists no macOS/Windows builds of
# optional native packages); --no-save keeps package.json and the lockfile as committed.
RUN npm install --no-audit --no-fund --no-save
COPY . .
# `npm run build`: SWC into dist/ and the console (Vite) into dist/apps/console. CI runs this stage's commands from
# a clean copy of the repository (tools/ci/dockerfile-check.ts, called by .ci/run).
RUN npm run build && npm prune --omit=dev --no-audit --no-fund

FROM node:20-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
USER node
ENV APP=console-api
CMD ["sh", "-c", "exec node --max-semi-space-size=4 dist/apps/${APP}/src/main.js"]

# One image for every Parley service; APP chooses which one runs.
#   docker build -t parley .
#   docker run -e APP=conversation-service -e NATS_URL=… -e DATABASE_URL=… parley
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build && (test ! -d apps/console || npx vite build apps/console) && npm prune --omit=dev

FROM node:20-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
USER node
ENV APP=console-api
CMD ["sh", "-c", "exec node --max-semi-space-size=4 dist/apps/${APP}/src/main.js"]

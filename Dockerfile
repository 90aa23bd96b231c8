# Image of this repository for the compose stack: the reference MCP server, the load simulator
# and the webhook receiver (TypeScript run by tsx, no build step).
FROM node:20-slim
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm install --omit=dev --no-audit --no-fund
COPY tsconfig.json ./
COPY src ./src
COPY scripts ./scripts
USER node
CMD ["node", "--import", "tsx", "scripts/sample-server.ts", "--transport", "http", "--port", "3100"]

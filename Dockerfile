# Image of this repository for the compose stack: the reference MCP server, the load simulator
# and the webhook receiver (TypeScript run by tsx from the workspaces' sources, no build step).
FROM node:20-slim
WORKDIR /app
COPY package.json package-lock.json tsconfig.json tsconfig.base.json ./
COPY src ./src
RUN npm install --no-audit --no-fund
# The workspaces resolve to their .ts sources under this export condition.
ENV NODE_OPTIONS=--conditions=@mcp-observability/source
USER node
CMD ["node", "--import", "tsx", "src/sample-server/bin.ts", "--transport", "http", "--port", "3100"]

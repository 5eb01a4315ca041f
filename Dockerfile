# volley as a container image: the coordinator and the workers of a distributed run (docs/kubernetes.md).
#   docker build -t volley .
#   docker run --rm volley run /scenarios/scenario.ts …      # a coordinator (or a single-process run)
#   docker run --rm -e VOLLEY_CLUSTER_TOKEN=… volley worker --master coordinator:5557
# NODE_IMAGE picks the base: any Node ≥ 22.19 image with a shell and tar (kubectl cp needs tar).
ARG NODE_IMAGE=node:24-slim
FROM ${NODE_IMAGE}

ENV NODE_ENV=production
WORKDIR /app

# Production dependencies only, from the lockfile; their install scripts run as in `npm ci` (esbuild).
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

# volley runs from its TypeScript sources (Node strips the types), as in a checkout: nothing to build.
COPY bin ./bin
COPY src ./src
COPY proto ./proto
COPY examples ./examples

# The node user of the official images (uid 1000); reports go to a mounted volume, e.g. /reports.
USER 1000:1000
EXPOSE 5557 9646
ENTRYPOINT ["node", "/app/bin/volley.js"]
CMD ["--help"]

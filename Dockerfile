# Production image: one image for the API (default command) and the workers (npm run start:worker).
FROM node:20-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# Install scripts stay off, as on the development machines: nothing here needs them.
RUN npm ci --ignore-scripts
COPY . .
RUN npm run build && npm prune --omit=dev --ignore-scripts

FROM node:20-slim
ENV NODE_ENV=production \
    NPM_CONFIG_UPDATE_NOTIFIER=false \
    HOST=0.0.0.0 \
    PORT=3000 \
    DATA_DIR=/app/.data \
    UPLOAD_DIR=/data/uploads
WORKDIR /app
COPY --from=build /app/package.json /app/package-lock.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/templates ./templates
# The uploads directory is a volume: created here so that a fresh volume is owned by the unprivileged user.
RUN mkdir -p /app/.data /data/uploads && chown -R node:node /app/.data /data
USER node
EXPOSE 3000
# Not `npm start`: its prestart build needs the dev dependencies pruned above.
CMD ["node", "dist/src/main.js", "--api-only"]

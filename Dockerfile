# Build the web app, then the binary with cgo (SQLite), then a slim runtime.
FROM node:20-bookworm AS web
WORKDIR /src
COPY package.json package-lock.json .npmrc ./
RUN npm ci --no-audit --no-fund
COPY frontend ./frontend
COPY vite.config.ts svelte.config.js tsconfig*.json ./
RUN npm run build

FROM golang:1.26-bookworm AS go
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
COPY --from=web /src/frontend/dist ./frontend/dist
RUN make mnist && CGO_ENABLED=1 go build -ldflags "-s -w -X main.version=docker" -o /out/transferlab ./backend/cmd/transferlab

FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates && rm -rf /var/lib/apt/lists/*
COPY --from=go /out/transferlab /usr/local/bin/transferlab
COPY models /opt/transferlab/models
ENV TRANSFERLAB_ADDR=0.0.0.0:8080 \
    TRANSFERLAB_DATA_DIR=/data \
    TRANSFERLAB_ZOO_DIR=/opt/transferlab/models
VOLUME /data
EXPOSE 8080
ENTRYPOINT ["transferlab"]
CMD ["serve"]

# syntax=docker/dockerfile:1
# Build: docker build -t saperi .
# Run:   docker run -p 8080:8080 -v saperi-data:/data saperi
FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=dev
RUN CGO_ENABLED=0 go build -trimpath -ldflags "-s -w -X main.Version=${VERSION}" -o /out/saperi ./cmd/saperi \
 && mkdir -p /out/data

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/saperi /saperi
COPY --from=build --chown=65532:65532 /out/data /data
ENV SAPERI_DATA=/data \
    SAPERI_ADDR=0.0.0.0:8080
VOLUME ["/data"]
EXPOSE 8080
USER 65532:65532
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s CMD ["/saperi", "health"]
ENTRYPOINT ["/saperi"]
CMD ["serve"]

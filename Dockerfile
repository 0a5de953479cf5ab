# The operator's image. Both stages are pinned to exact versions, and Package.swift pins the Swift
# packages exactly, so the build resolves them from their repositories (Package.resolved is not
# copied). Build: make docker-build IMG=<registry>/redis-eventsource:<tag>
#
# build:   the Swift toolchain the dependencies need (the one CI builds with), and the C libraries'
#          development packages from Debian.
# runtime: Debian slim with only the shared libraries the binary links, run as a non-root user;
#          the Swift runtime is linked in statically.
FROM swift:6.3.1-bookworm AS build
RUN apt-get update && apt-get install -y --no-install-recommends \
        libhiredis-dev libcurl4-openssl-dev libyaml-dev libssl-dev libnats-dev libpcre2-dev \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY Package.swift ./
COPY Sources ./Sources
RUN swift build -c release --product redis-eventsource --static-swift-stdlib \
    && cp "$(swift build -c release --show-bin-path)/redis-eventsource" /redis-eventsource

FROM debian:12.11-slim AS runtime
RUN apt-get update && apt-get install -y --no-install-recommends \
        libhiredis0.14 libcurl4 libyaml-0-2 libssl3 libnats3.4 libpcre2-8-0 ca-certificates \
    && rm -rf /var/lib/apt/lists/*
COPY --from=build /redis-eventsource /usr/local/bin/redis-eventsource
# 65532 is the "nonroot" user of distroless images; the Deployment's securityContext runs as it too.
USER 65532:65532
ENTRYPOINT ["/usr/local/bin/redis-eventsource"]
CMD ["controller"]

# The operator's image: built with Swift on Debian bookworm, run on bookworm-slim with the
# C libraries it links (hiredis, libcurl, libyaml, OpenSSL) from Debian.
FROM swift:6.0-bookworm AS build
RUN apt-get update && apt-get install -y --no-install-recommends \
        libhiredis-dev libcurl4-openssl-dev libyaml-dev libssl-dev \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
RUN swift build -c release --product redis-eventsource --static-swift-stdlib \
    && cp "$(swift build -c release --show-bin-path)/redis-eventsource" /redis-eventsource

FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends \
        libhiredis0.14 libcurl4 libyaml-0-2 libssl3 ca-certificates \
    && rm -rf /var/lib/apt/lists/*
COPY --from=build /redis-eventsource /usr/local/bin/redis-eventsource
USER 65532:65532
ENTRYPOINT ["/usr/local/bin/redis-eventsource"]
CMD ["controller"]

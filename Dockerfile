# Dockerfile: the techno-scraper image — the gateway binary on debian:bookworm-slim, run as an
# unprivileged user, listening on 0.0.0.0:8000, with a HEALTHCHECK that needs no extra tools.
#
#   docker build -t techno-scraper .                    # compile inside (rust image, cached deps)
#
#   cargo build --release --locked -p gateway           # or: use a binary built on this host
#   docker build --build-arg BINARY_FROM=host -t techno-scraper .
#
# BINARY_FROM=host copies target/release/techno-scraper (BINARY overrides the path; .dockerignore
# lets only target/{release,debug}/techno-scraper through). The host must not have a newer glibc
# than bookworm's 2.36: build there on Debian bookworm (or in a rust:*-bookworm container).
# BuildKit is required (RUN --mount); stages the chosen target does not need are never built.

# "source": compile in the rust stage; "host": copy a binary built outside the image.
ARG BINARY_FROM=source
ARG RUST_VERSION=1

# --- the binary, compiled from source ----------------------------------------------------------
FROM rust:${RUST_VERSION}-bookworm AS binary-source
WORKDIR /src
COPY . .
# The registry, git checkouts and target/ live in cache mounts: a rebuild after a source change
# recompiles our crates only, never the dependencies.
RUN --mount=type=cache,id=techno-scraper-cargo-registry,target=/usr/local/cargo/registry \
    --mount=type=cache,id=techno-scraper-cargo-git,target=/usr/local/cargo/git \
    --mount=type=cache,id=techno-scraper-target,target=/src/target \
    cargo build --release --locked -p gateway \
 && install -D -m 0755 target/release/techno-scraper /out/techno-scraper

# --- the binary, built outside the image -------------------------------------------------------
FROM scratch AS binary-host
ARG BINARY=target/release/techno-scraper
COPY ${BINARY} /out/techno-scraper

FROM binary-${BINARY_FROM} AS binary

# --- the image ---------------------------------------------------------------------------------
FROM debian:bookworm-slim
# CA certificates: upstream sites are reached over HTTPS, verified against the system roots.
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ca-certificates \
 && apt-get clean && rm -rf /var/lib/apt/lists/* \
 && useradd --uid 10001 --user-group --no-log-init --home-dir /nonexistent --no-create-home \
        --shell /usr/sbin/nologin techno-scraper
COPY --from=binary /out/techno-scraper /usr/local/bin/techno-scraper

USER 10001:10001
# Reachable from outside the container; the service refuses this bind without an API key
# (compose gives it one as a secret: TECHNO_SCRAPER_API_KEYS_FILE=/run/secrets/api_keys).
ENV TECHNO_SCRAPER_BIND=0.0.0.0:8000
EXPOSE 8000
HEALTHCHECK --interval=10s --timeout=5s --start-period=10s --retries=3 \
    CMD ["techno-scraper", "healthcheck"]
ENTRYPOINT ["techno-scraper"]
CMD ["serve"]

# The notes service. Both stages install from the one package list,
# third_party/packages.txt; the build stage runs the same test script CI runs
# (scripts/test, with its throwaway PostgreSQL), so the image ships what CI proved.
#   docker build -t notes . && docker run -p 8000:8000 -v notes-data:/data notes
#   docker run -e DATABASE_URL=postgresql://user:pass@db:5432/notes -p 8000:8000 notes
FROM debian:12 AS build
WORKDIR /src
COPY third_party/ third_party/
RUN third_party/install-deps build test
COPY . .
# The sanitizer pass is CI's job; here the Debug suite on SQLite and PostgreSQL.
RUN scripts/test --no-sanitize \
    && cmake --preset release && cmake --build --preset release --target notes

FROM debian:12 AS runtime
COPY third_party/ /tmp/third_party/
RUN /tmp/third_party/install-deps runtime && rm -rf /var/lib/apt/lists/* /tmp/third_party \
    && useradd --system --create-home notes && mkdir /data && chown notes /data
COPY --from=build /src/build/release/apps/notes/notes /usr/local/bin/notes
COPY --from=build /src/apps/notes/static /usr/local/share/notes/static
USER notes
WORKDIR /data
VOLUME /data
ENV HOST=0.0.0.0 PORT=8000 DATABASE_URL=sqlite:////data/notes.db LOG_LEVEL=info \
    STATIC_DIR=/usr/local/share/notes/static
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=10s --start-period=10s CMD curl -fsS "http://127.0.0.1:${PORT}/health" || exit 1
CMD ["notes", "serve", "--migrate"]

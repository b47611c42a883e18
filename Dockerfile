# First version: builds the example app in Release and runs it as a non-root user.
# Both stages install from the one package list, third_party/packages.txt.
FROM debian:12 AS build
WORKDIR /src
COPY third_party/ third_party/
RUN third_party/install-deps build
COPY . .
RUN cmake --preset release && cmake --build --preset release --target hello

FROM debian:12 AS runtime
COPY third_party/ /tmp/third_party/
RUN /tmp/third_party/install-deps runtime && rm -rf /var/lib/apt/lists/* /tmp/third_party \
    && useradd --system --create-home starling
COPY --from=build /src/build/release/apps/example/hello /usr/local/bin/hello
USER starling
ENV HOST=0.0.0.0 PORT=8000
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=3s CMD curl -fsS http://127.0.0.1:8000/ || exit 1
CMD ["hello"]

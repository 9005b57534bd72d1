# syntax=docker/dockerfile:1
# Advisor worker image: restore, build, test, publish, then a small non-root runtime.
# The tests read the protocol specs and test vectors in the shared folder beside the repository, so pass it in
# as a named build context:
#   docker build --build-context shared=../shared -t advisor .
#   docker run -d -p 8080:8080 -v "$PWD/knowledge:/app/knowledge:ro" -v "$PWD/prompts:/app/prompts:ro" \
#     -e Advisor__Admin__Token=... advisor
# See docs/operations.md for the settings.

ARG DOTNET_VERSION=10.0

# ---- build: restore and compile --------------------------------------------------------------
FROM mcr.microsoft.com/dotnet/sdk:${DOTNET_VERSION} AS build
ENV DOTNET_CLI_TELEMETRY_OPTOUT=1 \
    DOTNET_NOLOGO=1
WORKDIR /src
# The whole tree (bin/obj excluded by .dockerignore): new projects need no edit here.
COPY . .
# The prompts folder is optional in the repository; make sure the runtime stage can copy it.
RUN mkdir -p prompts knowledge
RUN dotnet restore src/Advisor.Host/Advisor.Host.csproj \
 && for project in tests/*.Tests/*.Tests.csproj; do dotnet restore "$project" || exit 1; done
RUN dotnet build src/Advisor.Host/Advisor.Host.csproj -c Release --no-restore

# ---- test: every tests/*.Tests project; a failure stops the image build ---------------------------
FROM build AS test
# Protocol specs and signature vectors the platform tests check against (found by walking up from the tests).
COPY --from=shared protocol/ /shared/protocol/
RUN for project in tests/*.Tests/*.Tests.csproj; do \
      dotnet test "$project" -c Release --no-restore || exit 1; \
    done \
 && touch /src/.tests-passed

# ---- publish: framework-dependent, with the `advisor` launcher ------------------------------------
FROM build AS publish
# Depending on a file of the test stage makes BuildKit run the tests before publishing.
COPY --from=test /src/.tests-passed /tmp/.tests-passed
RUN dotnet publish src/Advisor.Host/Advisor.Host.csproj -c Release --no-restore -o /app/publish -p:UseAppHost=true

# ---- runtime --------------------------------------------------------------------------------------
FROM mcr.microsoft.com/dotnet/aspnet:${DOTNET_VERSION} AS runtime
WORKDIR /app
ENV ASPNETCORE_HTTP_PORTS=8080 \
    Advisor__KnowledgePath=/app/knowledge \
    Advisor__PromptsPath=/app/prompts \
    Advisor__Host__LogFormat=json \
    Advisor__Model__EmbeddingCachePath=/app/cache/embeddings \
    Advisor__Data__Folder=/app/data \
    DOTNET_CLI_TELEMETRY_OPTOUT=1
COPY --from=publish /app/publish/ ./
COPY --from=build /src/knowledge/ ./knowledge/
COPY --from=build /src/prompts/ ./prompts/
# The aspnet image's unprivileged "app" user; the files above stay root-owned and read-only to it. It writes only
# to the embedding cache (used only with a model's EmbeddingModel set) and the data folder (SQLite store and the
# user hash salt; owner-only, see docs/privacy.md).
RUN mkdir -p /app/cache /app/data && chown "$APP_UID" /app/cache /app/data && chmod 700 /app/data
USER $APP_UID
EXPOSE 8080
VOLUME ["/app/knowledge", "/app/prompts", "/app/cache", "/app/data"]
# No curl in this image: the binary checks itself (GET http://127.0.0.1:$ASPNETCORE_HTTP_PORTS/healthz, exit 0/1).
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 CMD ["/app/advisor", "healthcheck"]
ENTRYPOINT ["/app/advisor"]
CMD ["serve"]

# syntax=docker/dockerfile:1
# Build: the SDK restores and publishes `afu`.
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY Directory.Build.props Directory.Packages.props AkkaFakeUsers.sln ./
COPY hocon/ hocon/
COPY src/ src/
RUN dotnet publish src/AkkaFakeUsers.Host/AkkaFakeUsers.Host.csproj -c Release -o /app --nologo

# Run: the ASP.NET runtime (Kestrel serves health and metrics), a non-root user, `afu` on PATH.
FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime
RUN groupadd --system afu && useradd --system --gid afu --home-dir /app --shell /usr/sbin/nologin afu \
 && mkdir -p /data && chown afu:afu /data
COPY --from=build /app /app
RUN printf '#!/bin/sh\nexec dotnet /app/afu.dll "$@"\n' > /usr/local/bin/afu && chmod +x /usr/local/bin/afu
USER afu
WORKDIR /app
# Inspection, health and the dashboard listen on all container interfaces (inspection and dashboard then require
# AFU_INSPECTION_TOKEN).
ENV AFU_DATA_DIR=/data \
    AFU_INSPECTION_HOST=0.0.0.0 \
    AFU__HEALTH__HOST=0.0.0.0 \
    AFU_DASHBOARD_HOST=0.0.0.0
# 9110 inspection (afu inspect), 9111 health + metrics, 9112 web dashboard, 4053 cluster
EXPOSE 9110 9111 9112 4053
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s CMD ["dotnet", "/app/afu.dll", "inspect", "--host", "127.0.0.1", "sim", "status"]
ENTRYPOINT ["afu"]
CMD ["run"]

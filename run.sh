#!/usr/bin/env bash
# Runs CowAspire: installs what is missing, builds, and starts the AppHost, which starts Redis, the Api and two
# Web replicas. It prints "CowAspire ready: web=… dashboard=…" when everything is healthy; Ctrl+C stops it all.
# Arguments go to the AppHost as configuration, e.g. ./run.sh Dashboard:Port=18889
set -euo pipefail
cd "$(dirname "$0")"
source scripts/prerequisites.sh

ensure_commands redis-server:redis-server npm:npm setsid:util-linux
ensure_dev_cert
dotnet build CowAspire.AppHost --nologo -v quiet -clp:ErrorsOnly
# As the AppHost's launch profile does for `dotnet run`: the services read their development settings (Web's endpoints).
export DOTNET_ENVIRONMENT="${DOTNET_ENVIRONMENT:-Development}"
exec dotnet CowAspire.AppHost/bin/Debug/net10.0/CowAspire.AppHost.dll "$@"

#!/usr/bin/env bash
# Runs CowAspire: installs what is missing, builds, and starts the Aspire AppHost, whose DCP starts Redis, the Api,
# two Web replicas and Aspire's dashboard. It prints "CowAspire ready: web=… dashboard=…" when everything is healthy;
# Ctrl+C stops it all.
# Arguments go to the AppHost as configuration, e.g. ./run.sh Dashboard:Port=18889
set -euo pipefail
cd "$(dirname "$0")"
source scripts/prerequisites.sh

ensure_commands redis-server:redis-server npm:npm setsid:util-linux
ensure_dev_cert
dotnet build CowAspire.AppHost --nologo -v quiet -clp:ErrorsOnly
# The AppHost's launch profile puts Aspire's dashboard on loopback (Properties/launchSettings.json).
exec dotnet run --project CowAspire.AppHost --no-build --launch-profile https -- "$@"

#!/usr/bin/env bash
# Benchmarks CowAspire's SSE fan-out against nginx + nchan on loopback, side by side in one run, and writes
# bench/REPORT.md. Installs what is missing (Debian packages: redis-server, nginx, libnginx-mod-nchan, openssl),
# builds the solution in Release, then runs bench/CowAspire.Bench, which starts each system, loads it and stops it.
#
#   bench/run.sh                                  # default: 1000 and 3000 streams, 200 messages at 20/s, 2 runs each
#   bench/run.sh --streams 500 --messages 100     # any CowAspire.Bench argument (bench/run.sh --help lists them)
#
# Every load is bounded in count and time (the bench stops itself after --max-seconds, 600 by default) and
# nothing leaves 127.0.0.1.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/prerequisites.sh

if [ "${1:-}" = "--help" ] || [ "${1:-}" = "-h" ]; then
  dotnet build bench/CowAspire.Bench -c Release --nologo -v quiet -clp:ErrorsOnly >/dev/null
  exec dotnet bench/CowAspire.Bench/bin/Release/net10.0/CowAspire.Bench.dll --help
fi

ensure_commands redis-server:redis-server npm:npm setsid:util-linux setpriv:util-linux openssl:openssl nginx:nginx
# The nchan module is a library, not a command.
if [ ! -f /usr/lib/nginx/modules/ngx_nchan_module.so ]; then
  echo "Installing libnginx-mod-nchan (Debian package)…"
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends libnginx-mod-nchan >/dev/null
fi
ensure_dev_cert

echo "Building the solution, the bench included (Release)…"
dotnet build CowAspire.sln -c Release --nologo -v quiet -clp:ErrorsOnly

command="bench/run.sh${*:+ $*}"
exec dotnet bench/CowAspire.Bench/bin/Release/net10.0/CowAspire.Bench.dll --repo "$PWD" --command "$command" "$@"

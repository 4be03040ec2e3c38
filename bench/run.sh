#!/usr/bin/env bash
# Benchmarks CowAspire's SSE fan-out against nginx + nchan on loopback, side by side in one run, and writes a
# Markdown report. Installs what is missing (Debian packages: redis-server, nginx, libnginx-mod-nchan, openssl;
# linux-perf with --profile), builds the solution in Release, then runs bench/CowAspire.Bench, which starts each
# system, loads it and stops it.
#
#   bench/run.sh              # the full run: gateway alone and whole app × HTTP/2 and HTTP/1.1 (both over TLS) ×
#                             # 1k/2k/5k/10k streams, one connection each, 10 events/s for 4 + 12 s at steady state (~45 min) → bench/REPORT.md
#   bench/run.sh --quick      # gateway alone, 200 and 500 streams, both protocols, 5 s each (~6 min)
#                             # → bench/out/quick-REPORT.md (git-ignored: a noisy development run, not the report)
#   bench/run.sh --profile    # plus one perf-profiled run per system at the largest size (--profile-at N), into the report
#   bench/run.sh --streams 500 --protocols h1   # any CowAspire.Bench argument (bench/run.sh --help lists them)
#
# Every load is bounded in count and time (the bench stops itself after --max-seconds) and nothing leaves 127.0.0.0/8.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/prerequisites.sh

if [ "${1:-}" = "--help" ] || [ "${1:-}" = "-h" ]; then
  dotnet build bench/CowAspire.Bench -c Release --nologo -v quiet -clp:ErrorsOnly >/dev/null
  exec dotnet bench/CowAspire.Bench/bin/Release/net10.0/CowAspire.Bench.dll --help
fi

preset=()
args=()
profile=0
for argument in "$@"; do
  case "$argument" in
    --quick) preset=(--targets gateway --streams 200,500 --protocols h2,h1 --seconds 5 --settle-seconds 2 --warmup-streams 50 --warmup-messages 10
                     --quiet-wait 5 --steady-seconds 30 --max-seconds 300 --telemetry-off-at 500 --report bench/out/quick-REPORT.md) ;;
    --profile) profile=1; args+=("$argument") ;;
    *) args+=("$argument") ;;
  esac
done

ensure_commands redis-server:redis-server npm:npm setsid:util-linux setpriv:util-linux openssl:openssl nginx:nginx
if [ "$profile" = 1 ]; then
  ensure_commands perf:linux-perf
fi
# The nchan module is a library, not a command.
if [ ! -f /usr/lib/nginx/modules/ngx_nchan_module.so ]; then
  echo "Installing libnginx-mod-nchan (Debian package)…"
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends libnginx-mod-nchan >/dev/null
fi
ensure_dev_cert

# One descriptor per client connection in the bench and in each server (two in DCP's proxy): lift the soft limit
# to the hard one, which the bench, the AppHost, DCP, the services and nginx inherit. Raising the hard limit itself needs
# CAP_SYS_RESOURCE; the bench skips, and reports, a scenario that would not fit.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

echo "Building the solution, the bench included (Release)…"
dotnet build CowAspire.sln -c Release --nologo -v quiet -clp:ErrorsOnly

command="bench/run.sh${*:+ $*}"
exec dotnet bench/CowAspire.Bench/bin/Release/net10.0/CowAspire.Bench.dll --repo "$PWD" --command "$command" "${preset[@]}" "${args[@]}"

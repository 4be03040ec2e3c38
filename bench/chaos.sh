#!/usr/bin/env bash
# Issue 21's chaos soak, run by hand (not by CI): the whole app through its Release AppHost for N minutes, 20 scripted
# EventSource clients over HTTP/2 through DCP's proxy, keyed publishers at ~20 quotes/s to the Api, and one fault at
# a time (Web replica SIGKILL and SIGSTOP/SIGCONT, Redis SIGKILL, FLUSHALL, CLIENT KILL TYPE pubsub; with --sentinel
# also a failover); then the content oracle, and the report in bench/CHAOS.md. Installs what is missing (Debian's
# redis-server, util-linux), builds the solution in Release.
#
#   bench/chaos.sh                          # 5 minutes, Redis alone
#   bench/chaos.sh --minutes 4 --sentinel   # Redis as primary, replica and three Sentinels, failovers among the faults
#   bench/chaos.sh --help                   # every option
#
# It starts the app, so run it under the lock the test runs take: flock /tmp/cowaspire-tests.lock bench/chaos.sh
# Load and faults stay on loopback and are bounded in count and time; the AppHost is stopped with SIGINT at the end and
# every process it had is checked gone.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/prerequisites.sh

ensure_commands redis-server:redis-server setsid:util-linux setpriv:util-linux
ensure_dev_cert

echo "Building the solution, the soak included (Release)…"
dotnet build CowAspire.sln -c Release --nologo -v quiet -clp:ErrorsOnly

command="bench/chaos.sh${*:+ $*}"
exec dotnet bench/CowAspire.Chaos/bin/Release/net10.0/CowAspire.Chaos.dll --repo "$PWD" --command "$command" "$@"

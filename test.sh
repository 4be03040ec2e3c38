#!/usr/bin/env bash
# Runs every test: unit tests, distributed tests against the whole app started through the AppHost (real
# redis-server, real processes, HTTP/2 over TLS) and browser tests in Debian's headless Chromium.
# Installs what is missing first. Arguments go to the test runner, e.g. ./test.sh --filter-namespace "*.Unit"
set -euo pipefail
cd "$(dirname "$0")"
source scripts/prerequisites.sh

ensure_commands redis-server:redis-server chromium:chromium npm:npm setsid:util-linux
ensure_dev_cert
dotnet build --nologo -v quiet -clp:ErrorsOnly

log=$(mktemp)
trap 'rm -f "$log"' EXIT
set +e
dotnet test --project CowAspire.Tests --no-build "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e

# One closing line in the plain form CI reads: "tests: N passed, N failed, N skipped".
succeeded=$(sed -n 's/^ *succeeded: *\([0-9]*\).*/\1/p' "$log" | tail -1)
failed=$(sed -n 's/^ *failed: *\([0-9]*\).*/\1/p' "$log" | tail -1)
skipped=$(sed -n 's/^ *skipped: *\([0-9]*\).*/\1/p' "$log" | tail -1)
echo "tests: ${succeeded:-0} passed, ${failed:-0} failed, ${skipped:-0} skipped"
exit "$status"

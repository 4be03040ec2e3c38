# Sourced by run.sh and test.sh: installs what CowAspire needs and a fresh Debian machine lacks.
# Only the .NET SDK is assumed; everything else comes from Debian's packages.

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi
}

# ensure_commands COMMAND:PACKAGE ... installs each PACKAGE whose COMMAND is not on PATH.
ensure_commands() {
  local missing=()
  for pair in "$@"; do
    command -v "${pair%%:*}" >/dev/null 2>&1 || missing+=("${pair##*:}")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    echo "Installing ${missing[*]} (Debian packages)…"
    as_root apt-get update -qq
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
}

# The services serve HTTPS with ASP.NET Core's development certificate, made per user (in $HOME).
ensure_dev_cert() {
  export HOME="${HOME:-/root}"
  export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
  dotnet dev-certs https --check >/dev/null 2>&1 || dotnet dev-certs https >/dev/null
}

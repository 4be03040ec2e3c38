#!/usr/bin/env bash
# Measures CowAspire's start-up as a developer meets it: the built AppHost started as AppHostProcessTests start it
# (`dotnet CowAspire.AppHost.dll DcpPublisher:RandomizePorts=true`, the dashboard on free loopback ports), timed from
# launch to its ready line; then, IDLE_SECONDS after ready, CPU and memory of the AppHost, DCP and the dashboard over a
# 10 s window; then SIGINT, timed to the AppHost's exit and to the last process of the run gone.
#
#   scripts/measure-startup.sh [runs (3)] [more AppHost arguments...]
#   IDLE_SECONDS=0 scripts/measure-startup.sh 5        # start-up only
#
# Build first (dotnet build CowAspire.AppHost). Each run prints: the time to ready with milestones from the AppHost's
# log, and each resource instance's Starting -> Running -> healthy (from Aspire's own Debug log lines, which the script
# turns on); the CPU each kind of process spent until ready, and what other processes took meanwhile (with the load average
# before the run: how quiet the machine was; other engineers' tests share these 2 cores); the idle CPU and RSS (and
# anonymous RSS: a Go binary's pages are shared between DCP's processes) per kind; the stop. Logs stay in $LOG_DIR
# (default: a temporary folder).
set -uo pipefail
cd "$(dirname "$0")/.."

runs=${1:-3}
shift || true
idle=${IDLE_SECONDS:-30}
log_dir=${LOG_DIR:-$(mktemp -d /tmp/cowaspire-startup-XXXXXX)}
mkdir -p "$log_dir"
# APPHOST_DLL runs another build of the AppHost (a copy of its bin folder), to compare variants run by run.
dll=${APPHOST_DLL:-CowAspire.AppHost/bin/Debug/net10.0/CowAspire.AppHost.dll}
[[ -f $dll ]] || { echo "build first: dotnet build CowAspire.AppHost" >&2; exit 1; }
ticks=$(getconf CLK_TCK)

free_port() {
    local port
    while :; do
        port=$((20000 + RANDOM % 40000))
        [[ -z $(ss -Hltn "sport = :$port") ]] && { echo "$port"; return; }
    done
}

# Every process of the run: the AppHost's descendants, and DCP's (it detaches: `dcp start-apiserver --monitor <pid>`).
run_pids() {
    local apphost=$1 roots
    roots="$apphost $(pgrep -f -- "--monitor $apphost( |\$)" | tr '\n' ' ')"
    ps -eo pid=,ppid= | awk -v roots="$roots" '
        { parent[$1] = $2; pids[NR] = $1 }
        END {
            n = split(roots, r, " "); for (i = 1; i <= n; i++) keep[r[i]] = 1
            do { changed = 0; for (i in pids) { p = pids[i]; if (!(p in keep) && (parent[p] in keep)) { keep[p] = 1; changed = 1 } } } while (changed)
            for (p in keep) print p
        }'
}

# CPU time all processes spent so far, in clock ticks (user, nice, system, irq, softirq, steal).
busy_ticks() { awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 + $9; exit }' /proc/stat; }

# Which of the pids still run (a zombie has exited).
alive() {
    local p
    for p in "$@"; do
        if [[ -d /proc/$p ]] && ! grep -q '^State:.*zombie' "/proc/$p/status" 2>/dev/null; then printf '%s ' "$p"; fi
    done
    return 0
}

# utime+stime (ticks), RSS and anonymous RSS (kB), and a short name, of one process.
sample() {
    local pid=$1 stat rest
    stat=$(cat "/proc/$pid/stat" 2>/dev/null) || return 0
    rest=${stat##*) }
    read -r -a f <<<"$rest"
    local cpu=$((f[11] + f[12]))
    local rss anon
    rss=$(awk '/^VmRSS:/ { print $2 }' "/proc/$pid/status" 2>/dev/null)
    anon=$(awk '/^RssAnon:/ { print $2 }' "/proc/$pid/status" 2>/dev/null)
    [[ -n $rss && -n $anon ]] || return 0 # exited meanwhile (or a zombie)
    local name
    name=$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | awk '{
        if ($0 ~ /CowAspire.AppHost.dll/) print "apphost";
        else if ($0 ~ /dcp start-apiserver/) print "dcp-apiserver";
        else if ($0 ~ /dcp run-controllers/) print "dcp-controllers";
        else if ($0 ~ /dcp monitor-process/) print "dcp-monitor";
        else if ($0 ~ /Aspire.Dashboard/) print "dashboard";
        else if ($0 ~ /^dotnet run/) print "dotnet-run";
        else if ($0 ~ /redis-server/) print "redis-server";
        else if ($0 ~ /CowAspire.Api/) print "api";
        else if ($0 ~ /CowAspire.Web/) print "web";
        else print "other" }')
    echo "$name $pid $cpu $rss $anon"
}

# Aspire logs each resource's state changes and its first healthy report at Debug: the per-resource timeline.
timeline_logging=(Logging:LogLevel:Aspire.Hosting.ApplicationModel.ResourceNotificationService=Debug
    Logging:LogLevel:Aspire.Hosting.Health.ResourceHealthCheckService=Debug)

# Each instance's Starting -> Running, and its resource's first healthy report (Aspire checks a resource's health as one,
# replicas and all), in seconds after launch, from those Debug lines.
timeline() {
    awk -v s="$1" '
        match($0, /Resource [^ \/]+\/[^ ]+ changed state: /) {
            split(substr($0, RSTART + 9, RLENGTH - 9), part, " "); split(part[1], ids, "/"); id = ids[2]
            if (!(id in nameOf)) { nameOf[id] = ids[1]; order[++n] = id }
            if (!((id, $NF) in at)) at[id, $NF] = $1 - s
        }
        match($0, /Resource .[^ ]+. is ready\./) {
            name = substr($0, RSTART + 10, RLENGTH - 21); if (!(name in healthy)) healthy[name] = $1 - s
        }
        END {
            for (i = 1; i <= n; i++) {
                id = order[i]; line = ""
                if ((id, "Starting") in at) line = line sprintf(" starting %.1f", at[id, "Starting"])
                if ((id, "Running") in at) line = line sprintf(" running %.1f", at[id, "Running"])
                if (nameOf[id] in healthy) line = line sprintf(" healthy %.1f", healthy[nameOf[id]])
                printf "    %-26s%s\n", id, line
            }
        }' "$2"
}

# Whatever happens, no AppHost of this script outlives it.
apphost=""
trap '[[ -n $apphost ]] && kill -TERM "$apphost" 2>/dev/null' EXIT

echo "# $(date -Is) $dll runs=$runs idle=${idle}s args: DcpPublisher:RandomizePorts=true $*  logs: $log_dir"
for run in $(seq 1 "$runs"); do
    load=$(cut -d' ' -f1-3 /proc/loadavg)
    log=$log_dir/run$run.log
    : >"$log"
    busy_before=$(busy_ticks)
    start=$EPOCHREALTIME
    # env --default-signal=INT: a background shell's children ignore SIGINT; the AppHost must not.
    env --default-signal=INT NO_COLOR=1 DOTNET_ENVIRONMENT=Development ASPIRE_ALLOW_UNSECURED_TRANSPORT=true \
        ASPNETCORE_URLS="http://127.0.0.1:$(free_port)" \
        ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL="http://127.0.0.1:$(free_port)" \
        ASPIRE_RESOURCE_SERVICE_ENDPOINT_URL="http://127.0.0.1:$(free_port)" \
        dotnet "$dll" DcpPublisher:RandomizePorts=true "${timeline_logging[@]}" "$@" \
        > >(while IFS= read -r line; do printf '%s %s\n' "$EPOCHREALTIME" "$line"; done >"$log") 2>&1 &
    apphost=$!
    ready=""
    deadline=$((${start%.*} + 120))
    while [[ -z $ready ]] && kill -0 "$apphost" 2>/dev/null && ((${EPOCHREALTIME%.*} < deadline)); do
        ready=$(awk '/CowAspire ready:/ { print $1; exit }' "$log")
        [[ -n $ready ]] || sleep 0.02
    done
    if [[ -z $ready ]]; then
        echo "run $run: no ready line (see $log)"
        kill -INT "$apphost" 2>/dev/null || true
        wait "$apphost" 2>/dev/null || true
        continue
    fi
    # Milestones in the AppHost's own log, in seconds after launch.
    milestone() { awk -v s="$start" -v pat="$1" 'index($0, pat) { printf "%.1f", $1 - s; exit }' "$log"; }
    summary=$(printf 'ready %.2f s (dcp %s, dashboard url %s, resources created %s)' "$(bc -l <<<"$ready - $start")" \
        "$(milestone 'Starting DCP')" "$(milestone 'Login to the dashboard')" "$(milestone 'Distributed application started')")

    # CPU each kind of process spent from launch to ready (seconds of utime+stime; 2 cores give 2 per second), and
    # what the rest of the machine took meanwhile (all CPU busy time less this run's): how quiet the machine was.
    busy=$(( $(busy_ticks) - busy_before ))
    startup_cpu=$(for p in $(run_pids "$apphost"); do sample "$p"; done | awk -v t="$ticks" -v busy="$busy" -v cores="$(nproc)" -v wall="$(bc -l <<<"$ready - $start")" '
        { cpu[$1] += $3 / t; total += $3 / t }
        END {
            printf "cpu to ready %.1f s:", total; for (k in cpu) printf " %s %.1f", k, cpu[k]
            printf "; other processes meanwhile %.1f s of the %.1f s the %d cores had", busy / t - total, wall * cores, cores }')
    idle_figures=""
    if ((idle > 0)); then
        sleep "$idle"
        pids=$(run_pids "$apphost")
        before=$(for p in $pids; do sample "$p"; done)
        sleep 10
        after=$(for p in $pids; do sample "$p"; done)
        idle_figures=$(join -1 2 -2 2 <(sort -k2 <<<"$before") <(sort -k2 <<<"$after") | awk -v t="$ticks" '
            { name = $2; cpu[name] += ($7 - $3) / t / 10 * 100; rss[name] += $8 / 1024; anon[name] += $9 / 1024; n[name]++ }
            END { for (k in cpu) printf "  %-16s x%d  cpu %5.2f %%  rss %6.1f MB (anon %6.1f MB)\n", k, n[k], cpu[k], rss[k], anon[k] }' | sort)
    fi

    pids=$(run_pids "$apphost")
    stop=$EPOCHREALTIME
    kill -INT "$apphost"
    wait "$apphost" && code=0 || code=$?
    apphost=""
    exited=$EPOCHREALTIME
    at_exit=$(for p in $(alive $pids); do sample "$p"; done | awk '{ print $1 }' | sort | uniq -c | awk '{ printf "%s%s x%s", sep, $2, $1; sep = ", " }')
    until [[ -z $(alive $pids) ]] || ((${EPOCHREALTIME%.*} > ${exited%.*} + 30)); do
        sleep 0.05
    done
    left=$(alive $pids)
    printf 'run %d (load %s): %s; SIGINT -> exit %s in %.2f s, all %d processes gone in %.2f s%s\n' "$run" "$load" "$summary" \
        "$code" "$(bc -l <<<"$exited - $stop")" "$(wc -w <<<"$pids")" "$(bc -l <<<"$EPOCHREALTIME - $stop")" "${at_exit:+ (running at exit: $at_exit)}${left:+; LEFT: $left}"
    echo "  $startup_cpu"
    echo "  timeline (s after launch):"
    timeline "$start" "$log"
    if [[ -n $idle_figures ]]; then echo "$idle_figures"; fi
done

#!/usr/bin/env bash
# Benchmark 1: pixel throughput, side by side in one run.
#   A = Headcount (target/headcount.war) in the real Tomcat distribution with tomcat-conf/
#   B = a no-op WAR (bench/noop) answering the same GIF with the same headers, in the same Tomcat and conf
#   C = Pixel Ping 0.1.6 (npm) on this machine's Node, no endpoint
# wrk -t2 with 10k distinct keys at c50 and c200, rounds rotated A B C, B C A, C A B, ...; each run is a warm-up
# then a measured run. Each round starts both Tomcats afresh (a new JVM, a new base) and loads each for
# INITIAL_WARMUP_S (half at each connection count) before its runs, so the rounds compare compiled code and no
# comparison rests on one JVM's JIT luck; Pixel Ping runs throughout, warmed up once. Before stopping, Headcount
# flushes to a local receiver, whose hits must in the end equal the keyed requests wrk completed against Headcount.
# Prints the figures and writes target/bench/pixel-throughput*.csv. About 25 minutes with the defaults.
# With CLIENTS=N (default 10000) the requests to both Tomcats come through tomcat-conf's RemoteIpValve from N
# client addresses (X-Forwarded-For), so Headcount's per-client limits are at work on every hit; CLIENTS=0 sends
# them all from 127.0.0.1, which the limits exempt.
# Knobs (environment): ROUNDS=5 INITIAL_WARMUP_S=60 WARMUP_S=10 MEASURE_S=15 CONNS="50 200" KEYS=10000 CLIENTS=10000
source "$(dirname "$0")/lib.sh"

ROUNDS="${ROUNDS:-5}"
INITIAL_WARMUP_S="${INITIAL_WARMUP_S:-60}"
WARMUP_S="${WARMUP_S:-10}"
MEASURE_S="${MEASURE_S:-15}"
CONNS="${CONNS:-50 200}"
KEYS="${KEYS:-10000}"
CLIENTS="${CLIENTS:-10000}"
TAIL_MS=500
CSV="$OUT/pixel-throughput.csv"
SUMMARY_CSV="$OUT/pixel-throughput-summary.csv"
START_S=$SECONDS

need java; need javac; need jar; need curl; need node; need npm; need mvn
ensure_wrk
log "load average before: $(loadavg)"
build_headcount
build_helpers

# B: the no-op WAR, compiled against the distribution's servlet-api.jar and zipped here.
NOOP_DIR="$OUT/noop-war"
rm -rf "$NOOP_DIR" && mkdir -p "$NOOP_DIR/WEB-INF/classes"
javac --release 17 -cp "$TOMCAT_HOME/lib/servlet-api.jar" -d "$NOOP_DIR/WEB-INF/classes" "$ROOT/bench/noop/NoopPixelServlet.java"
cp "$ROOT/bench/noop/web.xml" "$NOOP_DIR/WEB-INF/web.xml"
(cd "$NOOP_DIR" && jar cf "$OUT/noop.war" .)

# C: Pixel Ping 0.1.6 from npm (its lib/ is compiled JavaScript; it needs no coffee-script to run).
PP_DIR="$OUT/pixel-ping"
if [[ ! -f "$PP_DIR/node_modules/pixel-ping/lib/pixel-ping.js" ]]; then
    log "installing pixel-ping@0.1.6 with npm into target/bench/pixel-ping"
    mkdir -p "$PP_DIR"
    npm install --prefix "$PP_DIR" --no-audit --no-fund --no-save pixel-ping@0.1.6 >"$OUT/npm-pixel-ping.log" 2>&1 \
        || die "npm install pixel-ping, see $OUT/npm-pixel-ping.log"
fi

RECEIVER_PORT=$(free_port 18190)
spawn "$OUT/receiver-throughput.log" java -cp "$BENCH_CLASSES" BenchReceiver "$RECEIVER_PORT"
for _ in $(seq 1 50); do grep -q RECEIVER_READY "$OUT/receiver-throughput.log" && break; sleep 0.1; done

HC_KEYED=0
FLUSHES=()

declare -A PID URL PORT WAR=([headcount]="$ROOT/target/headcount.war" [noop]="$OUT/noop.war")
declare -A PATHQ=([headcount]=/headcount/pixel.gif [noop]=/headcount/pixel.gif [pixelping]=/pixel.gif)
PORT[headcount]=$(free_port 18181)
PORT[noop]=$(free_port $((PORT[headcount] + 1)))
PORT[pixelping]=$(free_port $((PORT[noop] + 1)))
URL[pixelping]="http://127.0.0.1:${PORT[pixelping]}/pixel.gif"
# Both Tomcats believe X-Forwarded-For from 127.0.0.1 when CLIENTS > 0: the same conf, the same valve cost.
trust_proxy() { [[ "$CLIENTS" -gt 0 ]] && uncomment_remote_ip_valve "$OUT/$1/conf/server.xml" || true; }
# Shows server $1's answer to a pixel without key (which counts nothing): the servers answer alike.
show_headers() {
    log "$1: $(curl -s -D - -o /dev/null "${URL[$1]}" | tr -d '\r' | grep -iE '^(HTTP|content-type|content-length|cache-control)' | tr '\n' ' ')"
}
# Loads server $1 for INITIAL_WARMUP_S (half at each connection count), so that its rounds measure compiled code.
warm_up() {
    local c
    for c in $CONNS; do run_wrk "$1" "$c" $(( INITIAL_WARMUP_S / $(wc -w <<<"$CONNS") )); done
}
# Starts Tomcat server $1 (headcount or noop) in a new JVM and a new base, and warms it up. Every round gets fresh
# JVMs: one JVM's JIT can make the same code run several per cent faster or slower for its whole life, and a
# comparison of two long-lived JVMs would measure that luck.
start_server() {
    local s="$1"
    make_base "tomcat-$s" "${WAR[$s]}"
    trust_proxy "tomcat-$s"
    if [[ "$s" == headcount ]]; then
        start_tomcat "tomcat-$s" "${PORT[$s]}" -Dheadcount.endpoint="http://127.0.0.1:$RECEIVER_PORT/hits"
    else
        start_tomcat "tomcat-$s" "${PORT[$s]}"
    fi
    PID[$s]=$LAST_PID
    URL[$s]="http://127.0.0.1:${PORT[$s]}/headcount/pixel.gif"
    warm_up "$s"
}
# Stops Tomcat server $1; Headcount first flushes what it counted, which the receiver must get in full.
stop_server() {
    [[ "$1" == headcount ]] && FLUSHES+=("$(admin_flush "${PORT[$1]}")")
    stop_pid "${PID[$1]}"
}

CLK_TCK=$(getconf CLK_TCK)
# CPU time (user + system, in clock ticks) process $1 has used so far.
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
# Runs wrk against server $1 with $2 connections for $3 s; sets R[...] from its WRK_RESULT line.
declare -A R
run_wrk() {
    local server="$1" conns="$2" secs="$3" out kv cpu_before cpu_used
    cpu_before=$(cpu_ticks "${PID[$server]}")
    out=$(timeout $((secs + 60)) wrk -t2 -c"$conns" -d"${secs}s" --timeout 5s -s "$ROOT/bench/pixel.lua" "${URL[$server]}" \
        -- "$secs" "$KEYS" "$TAIL_MS" /bench/page- "${PATHQ[$server]}" 0 "" "$([[ $server == pixelping ]] && echo 0 || echo "$CLIENTS")") \
        || die "wrk against $server: $out"
    cpu_used=$(( $(cpu_ticks "${PID[$server]}") - cpu_before ))
    R=()
    for kv in $(grep '^WRK_RESULT' <<<"$out" | cut -d' ' -f2-); do R[${kv%%=*}]=${kv#*=}; done
    [[ -n "${R[requests]:-}" ]] || die "no WRK_RESULT from wrk against $server: $out"
    R[cpu_us]=$(awk -v t="$cpu_used" -v hz="$CLK_TCK" -v n="${R[requests]}" 'BEGIN {printf "%.2f", t * 1e6 / hz / n}')
    if [[ "$server" == headcount ]]; then HC_KEYED=$((HC_KEYED + R[keyed])); fi
}

echo "round,position,server,connections,rps,p50_ms,p99_ms,p999_ms,max_ms,requests,keyed,errors,loadavg_1m,server_cpu_us_per_request" >"$CSV"
SERVERS=(headcount noop pixelping)
# Pixel Ping (a Node process, no endpoint) runs throughout, warmed up once.
printf '{"port": %s, "host": "127.0.0.1", "interval": 60}\n' "${PORT[pixelping]}" >"$PP_DIR/config.json"
spawn "$OUT/pixel-ping.log" node "$PP_DIR/node_modules/pixel-ping/bin/pixel-ping" "$PP_DIR/config.json"
PID[pixelping]=$LAST_PID
wait_http "${URL[pixelping]}" 30 "$OUT/pixel-ping.log"
show_headers pixelping
log "warming up pixelping for ${INITIAL_WARMUP_S}s; each Tomcat gets as long in every round"
warm_up pixelping
for (( r=0; r<ROUNDS; r++ )); do
    order=("${SERVERS[@]:r%3}" "${SERVERS[@]:0:r%3}")
    log "round $((r + 1)): ${order[*]} (load average $(loadavg))"
    for (( p=0; p<3; p++ )); do
        s="${order[$p]}"
        if [[ "$s" != pixelping ]]; then start_server "$s"; (( r > 0 )) || show_headers "$s"; fi
        for c in $CONNS; do
            run_wrk "$s" "$c" "$WARMUP_S"
            la=$(cut -d' ' -f1 /proc/loadavg)
            run_wrk "$s" "$c" "$MEASURE_S"
            errors=$((R[connect_errors] + R[read_errors] + R[write_errors] + R[status_errors] + R[timeouts]))
            echo "$((r + 1)),$((p + 1)),$s,$c,${R[rps]},${R[p50_ms]},${R[p99_ms]},${R[p999_ms]},${R[max_ms]},${R[requests]},${R[keyed]},$errors,$la,${R[cpu_us]}" >>"$CSV"
            log "  $s c$c: ${R[rps]} req/s, p50 ${R[p50_ms]} ms, p99 ${R[p99_ms]} ms, server CPU ${R[cpu_us]} µs/request, errors $errors"
        done
        [[ "$s" == pixelping ]] || stop_server "$s"
    done
done

# The hits Headcount delivered must equal the keyed requests wrk completed against it.
sleep 1
# The receiver's last BATCH line carries its running total.
RECEIVED=$(grep '^BATCH' "$OUT/receiver-throughput.log" | tail -1 | sed -n 's/.*total_hits=\([0-9]*\).*/\1/p' || true)
RECEIVED=${RECEIVED:-0}
BATCHES=$(grep -c '^BATCH' "$OUT/receiver-throughput.log" || true)

# Medians of per-round ratios.
median() { sort -g | awk '{a[NR]=$1} END {if (NR == 0) print "nan"; else if (NR % 2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}'; }
field() { awk -F, -v r="$1" -v s="$2" -v c="$3" -v f="$4" '$1==r && $3==s && $4==c {print $f}' "$CSV"; }
echo "connections,metric,median,rounds,target,met" >"$SUMMARY_CSV"
report() { # connections metric median per-round target met
    echo "$1,$2,$3,$4,$5,$6" >>"$SUMMARY_CSV"
    printf '  c%-4s %-34s median %-7s (rounds: %s)  target %s: %s\n' "$1" "$2" "$3" "$4" "$5" "$6"
}
echo
echo "== Pixel throughput (wrk -t2, $KEYS keys from $CLIENTS client addresses (0: all from 127.0.0.1), ${WARMUP_S}s warm-up + ${MEASURE_S}s measured per run, $ROUNDS rotated rounds) =="
machine_facts
printf '%-6s %-10s %14s %10s %10s %16s\n' conns server "req/s (med)" "p50 ms" "p99 ms" "CPU µs/request"
for c in $CONNS; do
    for s in "${SERVERS[@]}"; do
        printf '%-6s %-10s %14s %10s %10s %16s\n' "c$c" "$s" \
            "$(for (( r=1; r<=ROUNDS; r++ )); do field $r $s $c 5; done | median)" \
            "$(for (( r=1; r<=ROUNDS; r++ )); do field $r $s $c 6; done | median)" \
            "$(for (( r=1; r<=ROUNDS; r++ )); do field $r $s $c 7; done | median)" \
            "$(for (( r=1; r<=ROUNDS; r++ )); do field $r $s $c 14; done | median)"
    done
done
ALL_MET=yes
ratio_rounds() { # connections server-a server-b field
    for (( r=1; r<=ROUNDS; r++ )); do
        awk -v a="$(field $r "$2" "$1" "$4")" -v b="$(field $r "$3" "$1" "$4")" 'BEGIN {printf "%.3f\n", a / b}'
    done
}
check() { awk -v v="$1" -v op="$2" -v t="$3" 'BEGIN {print ((op == ">=" ? v >= t : v <= t) ? "met" : "NOT met")}'; }
for c in $CONNS; do
    rr=$(ratio_rounds "$c" headcount noop 5 | paste -sd' '); m=$(tr ' ' '\n' <<<"$rr" | median); met=$(check "$m" ">=" 0.95)
    report "$c" "headcount/noop req/s" "$m" "$rr" ">= 0.95" "$met"; [[ $met == met ]] || ALL_MET=no
    rr=$(ratio_rounds "$c" headcount pixelping 5 | paste -sd' '); m=$(tr ' ' '\n' <<<"$rr" | median); met=$(check "$m" ">=" 1.5)
    report "$c" "headcount/pixelping req/s" "$m" "$rr" ">= 1.5" "$met"; [[ $met == met ]] || ALL_MET=no
    rr=$(ratio_rounds "$c" headcount noop 7 | paste -sd' '); m=$(tr ' ' '\n' <<<"$rr" | median)
    if [[ "$c" == 200 ]]; then met=$(check "$m" "<=" 1.25); [[ $met == met ]] || ALL_MET=no; else met="(no target)"; fi
    report "$c" "headcount/noop p99" "$m" "$rr" "<= 1.25 at c200" "$met"
    # What the machine's noise hides from req/s: the server's own CPU time per request (the load generator shares the cores).
    rr=$(ratio_rounds "$c" headcount noop 14 | paste -sd' '); m=$(tr ' ' '\n' <<<"$rr" | median)
    report "$c" "headcount/noop server CPU per req" "$m" "$rr" "(no target)" "-"
done
HITS_OK=$([[ "$RECEIVED" == "$HC_KEYED" ]] && echo met || echo "NOT met")
[[ $HITS_OK == met ]] || ALL_MET=no
echo "hits: wrk completed $HC_KEYED keyed requests against Headcount; the receiver got $RECEIVED hits in $BATCHES batch(es): $HITS_OK"
printf 'flush before each stop: %s\n' "${FLUSHES[@]}"
echo "-,hits_equal_keyed_requests,$RECEIVED,$HC_KEYED,equal,$HITS_OK" >>"$SUMMARY_CSV"
echo "load average after: $(loadavg); took $((SECONDS - START_S)) s; all targets: $ALL_MET"
echo "CSV: $CSV $SUMMARY_CSV"

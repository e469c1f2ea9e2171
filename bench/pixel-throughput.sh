#!/usr/bin/env bash
# Benchmark 1: pixel throughput, side by side in one run.
#   A = Headcount (target/headcount.war) in the real Tomcat distribution with tomcat-conf/
#   B = a no-op WAR (bench/noop) answering the same GIF with the same headers, in the same Tomcat and conf
#   C = Pixel Ping 0.1.6 (npm) on this machine's Node, no endpoint
# wrk -t2 with 10k distinct keys at c50 and c200. Each round starts both Tomcats afresh (a new JVM, a new base) and
# loads each for INITIAL_WARMUP_S (half at each connection count), so no comparison rests on one JVM's JIT luck;
# Pixel Ping runs throughout, warmed up once. Then, at each connection count, a WARMUP_S run of each server and
# SLICES slices in which the three servers take turns for SLICE_S each, in rotated order. The ratios are taken
# slice by slice: this machine swings between a fast and a slow state every 20-30 s (the same server, 68k and 57k
# req/s a minute apart), and only servers measured seconds apart see the same state. Every CPU figure is the
# server's own, from /proc; the CPU each Tomcat spends while the others are loaded (its background work) is
# printed too. Before stopping, Headcount flushes to a local receiver, whose hits must in the end equal the keyed
# requests wrk completed against Headcount.
# Prints the figures and writes target/bench/pixel-throughput*.csv. About 30 minutes with the defaults.
# With CLIENTS=N (default 10000) the requests to both Tomcats come through tomcat-conf's RemoteIpValve from N
# client addresses (X-Forwarded-For), so Headcount's per-client limits are at work on every hit; CLIENTS=0 sends
# them all from 127.0.0.1, which the limits exempt.
# Knobs (environment): ROUNDS=5 INITIAL_WARMUP_S=60 WARMUP_S=5 SLICES=4 SLICE_S=5 CONNS="50 200" KEYS=10000 CLIENTS=10000
source "$(dirname "$0")/lib.sh"

ROUNDS="${ROUNDS:-5}"
INITIAL_WARMUP_S="${INITIAL_WARMUP_S:-60}"
WARMUP_S="${WARMUP_S:-5}"
SLICES="${SLICES:-4}"
SLICE_S="${SLICE_S:-5}"
CONNS="${CONNS:-50 200}"
KEYS="${KEYS:-10000}"
CLIENTS="${CLIENTS:-10000}"
TAIL_MS=200
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
# CPU each Tomcat used while the others were loaded (its background work), in ticks and seconds, over all rounds.
declare -A IDLE_TICKS=([headcount]=0 [noop]=0) IDLE_MS=([headcount]=0 [noop]=0) OWN_TICKS=([headcount]=0 [noop]=0) \
    OWN_MS=([headcount]=0 [noop]=0) ROUND_TICKS
now_ms() { date +%s%3N; }
# CPU time (user + system, in clock ticks) process $1 has used so far.
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
# Runs wrk against server $1 with $2 connections for $3 s; sets R[...] from its WRK_RESULT line.
declare -A R
run_wrk() {
    local server="$1" conns="$2" secs="$3" out kv cpu_before cpu_used started_ms
    cpu_before=$(cpu_ticks "${PID[$server]}")
    started_ms=$(now_ms)
    out=$(timeout $((secs + 60)) wrk -t2 -c"$conns" -d"${secs}s" --timeout 5s -s "$ROOT/bench/pixel.lua" "${URL[$server]}" \
        -- "$secs" "$KEYS" "$TAIL_MS" /bench/page- "${PATHQ[$server]}" 0 "" "$([[ $server == pixelping ]] && echo 0 || echo "$CLIENTS")") \
        || die "wrk against $server: $out"
    cpu_used=$(( $(cpu_ticks "${PID[$server]}") - cpu_before ))
    if [[ "$server" != pixelping ]]; then
        OWN_TICKS[$server]=$(( OWN_TICKS[$server] + cpu_used ))
        OWN_MS[$server]=$(( OWN_MS[$server] + $(now_ms) - started_ms ))
    fi
    R=()
    for kv in $(grep '^WRK_RESULT' <<<"$out" | cut -d' ' -f2-); do R[${kv%%=*}]=${kv#*=}; done
    [[ -n "${R[requests]:-}" ]] || die "no WRK_RESULT from wrk against $server: $out"
    R[cpu_us]=$(awk -v t="$cpu_used" -v hz="$CLK_TCK" -v n="${R[requests]}" 'BEGIN {printf "%.2f", t * 1e6 / hz / n}')
    if [[ "$server" == headcount ]]; then HC_KEYED=$((HC_KEYED + R[keyed])); fi
}

# Medians; field R S C F: column F of every slice of round R (all rounds: "") for server S at C connections.
median() { sort -g | awk '{a[NR]=$1} END {if (NR == 0) print "nan"; else if (NR % 2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}'; }
field_round() { awk -F, -v r="$1" -v s="$2" -v c="$3" -v f="$4" '($1==r || r=="") && $4==s && $5==c {print $f}' "$CSV"; }
echo "round,slice,position,server,connections,rps,p50_ms,p99_ms,p999_ms,max_ms,requests,keyed,errors,loadavg_1m,server_cpu_us_per_request" >"$CSV"
SERVERS=(headcount noop pixelping)
# Pixel Ping (a Node process, no endpoint) runs throughout, warmed up once.
printf '{"port": %s, "host": "127.0.0.1", "interval": 60}\n' "${PORT[pixelping]}" >"$PP_DIR/config.json"
spawn "$OUT/pixel-ping.log" node "$PP_DIR/node_modules/pixel-ping/bin/pixel-ping" "$PP_DIR/config.json"
PID[pixelping]=$LAST_PID
wait_http "${URL[pixelping]}" 30 "$OUT/pixel-ping.log"
show_headers pixelping
log "warming up pixelping for ${INITIAL_WARMUP_S}s; each Tomcat gets as long in every round"
warm_up pixelping
for (( r=1; r<=ROUNDS; r++ )); do
    log "round $r: both Tomcats afresh (load average $(loadavg))"
    for s in headcount noop; do start_server "$s"; (( r > 1 )) || show_headers "$s"; done
    round_start=$(now_ms)
    for s in headcount noop; do ROUND_TICKS[$s]=$(cpu_ticks "${PID[$s]}"); OWN_TICKS[$s]=0; OWN_MS[$s]=0; done
    for c in $CONNS; do
        for s in "${SERVERS[@]}"; do run_wrk "$s" "$c" "$WARMUP_S"; done
        for (( k=1; k<=SLICES; k++ )); do
            shift_by=$(( (r + k) % 3 ))
            order=("${SERVERS[@]:shift_by}" "${SERVERS[@]:0:shift_by}")
            for (( p=0; p<3; p++ )); do
                s="${order[$p]}"
                la=$(cut -d' ' -f1 /proc/loadavg)
                run_wrk "$s" "$c" "$SLICE_S"
                errors=$((R[connect_errors] + R[read_errors] + R[write_errors] + R[status_errors] + R[timeouts]))
                echo "$r,$k,$((p + 1)),$s,$c,${R[rps]},${R[p50_ms]},${R[p99_ms]},${R[p999_ms]},${R[max_ms]},${R[requests]},${R[keyed]},$errors,$la,${R[cpu_us]}" >>"$CSV"
            done
        done
        for s in "${SERVERS[@]}"; do
            log "  $s c$c: median of round $r: $(field_round "$r" "$s" "$c" 6 | median) req/s, server CPU $(field_round "$r" "$s" "$c" 15 | median) µs/request"
        done
    done
    for s in headcount noop; do
        IDLE_TICKS[$s]=$(( IDLE_TICKS[$s] + $(cpu_ticks "${PID[$s]}") - ROUND_TICKS[$s] - OWN_TICKS[$s] ))
        IDLE_MS[$s]=$(( IDLE_MS[$s] + $(now_ms) - round_start - OWN_MS[$s] ))
        stop_server "$s"
    done
done

# The hits Headcount delivered must equal the keyed requests wrk completed against it.
sleep 1
# The receiver's last BATCH line carries its running total.
RECEIVED=$(grep '^BATCH' "$OUT/receiver-throughput.log" | tail -1 | sed -n 's/.*total_hits=\([0-9]*\).*/\1/p' || true)
RECEIVED=${RECEIVED:-0}
BATCHES=$(grep -c '^BATCH' "$OUT/receiver-throughput.log" || true)

echo
echo "== Pixel throughput (wrk -t2, $KEYS keys from $CLIENTS client addresses (0: all from 127.0.0.1), $ROUNDS rounds of fresh Tomcats, each ${SLICES} rotated slices of ${SLICE_S}s per server and connection count) =="
machine_facts
printf '%-6s %-10s %14s %10s %10s %16s\n' conns server "req/s (med)" "p50 ms" "p99 ms" "CPU µs/request"
for c in $CONNS; do
    for s in "${SERVERS[@]}"; do
        printf '%-6s %-10s %14s %10s %10s %16s\n' "c$c" "$s" "$(field_round "" $s $c 6 | median)" \
            "$(field_round "" $s $c 7 | median)" "$(field_round "" $s $c 8 | median)" "$(field_round "" $s $c 15 | median)"
    done
done
for s in headcount noop; do
    printf 'background CPU of %s while the others were loaded: %s ms/s\n' "$s" \
        "$(awk -v t="${IDLE_TICKS[$s]}" -v hz="$CLK_TCK" -v ms="${IDLE_MS[$s]}" 'BEGIN {printf "%.1f", t * 1e6 / hz / ms}')"
done
ALL_MET=yes
# "round ratio" for every slice at connections $1: column $4 of server $2 over server $3's in the same slice.
ratios() {
    awk -F, -v c="$1" -v a="$2" -v b="$3" -v f="$4" 'NR > 1 && $5 == c {v[$1 "," $2 "," $4] = $f; slice[$1 "," $2] = $1}
        END {for (x in slice) if ((x "," a) in v && (x "," b) in v) printf "%s %.4f\n", slice[x], v[x "," a] / v[x "," b]}' "$CSV"
}
# Reports the median of the slice ratios, with each round's median beside it.
report_ratio() { # connections metric server-a server-b field target-op target (empty: none)
    local all per_round m met
    all=$(ratios "$1" "$3" "$4" "$5")
    m=$(cut -d' ' -f2 <<<"$all" | median)
    per_round=$(for (( r=1; r<=ROUNDS; r++ )); do grep "^$r " <<<"$all" | cut -d' ' -f2 | median; done | xargs printf '%.3f ')
    met="(no target)"
    if [[ -n "$7" ]]; then met=$(awk -v v="$m" -v op="$6" -v t="$7" 'BEGIN {print ((op == ">=" ? v >= t : v <= t) ? "met" : "NOT met")}'); fi
    [[ $met != "NOT met" ]] || ALL_MET=no
    echo "$1,$2,$m,$per_round,$6 $7,$met" >>"$SUMMARY_CSV"
    printf '  c%-4s %-34s median %-7.3f (per round: %s)  %s%s\n' "$1" "$2" "$m" "$per_round" "${7:+target $6 $7: }" "$met"
}
echo "connections,metric,median,round_medians,target,met" >"$SUMMARY_CSV"
for c in $CONNS; do
    report_ratio "$c" "headcount/noop req/s" headcount noop 6 ">=" 0.95
    report_ratio "$c" "headcount/pixelping req/s" headcount pixelping 6 ">=" 1.5
    report_ratio "$c" "headcount/noop p99" headcount noop 8 "<=" "$([[ $c == 200 ]] && echo 1.25)"
    # What the machine's noise hides from req/s: the server's own CPU time per request (the load generator shares the cores).
    report_ratio "$c" "headcount/noop server CPU per req" headcount noop 15 "" ""
done
HITS_OK=$([[ "$RECEIVED" == "$HC_KEYED" ]] && echo met || echo "NOT met")
[[ $HITS_OK == met ]] || ALL_MET=no
echo "hits: wrk completed $HC_KEYED keyed requests against Headcount; the receiver got $RECEIVED hits in $BATCHES batch(es): $HITS_OK"
printf 'flush before each stop: %s\n' "${FLUSHES[@]}"
echo "-,hits_equal_keyed_requests,$RECEIVED,$HC_KEYED,equal,$HITS_OK" >>"$SUMMARY_CSV"
echo "load average after: $(loadavg); took $((SECONDS - START_S)) s; all targets: $ALL_MET"
echo "CSV: $CSV $SUMMARY_CSV"

#!/usr/bin/env bash
# Benchmark 3: live connections. One Headcount node (real Tomcat, tomcat-conf/, -Xmx512m) and two load-client
# JVMs (bench/java/LiveLoad.java, java.net.http WebSocket): one hot page with 10,000 sessions, the rest spread
# 1-10 per page, all on loopback addresses 127.0.0.1-4. Checks that every session connected and receives its
# page's count, then reports the server's heap per connection after a full GC:
# (heap used with N connections - heap used before) / N. Writes target/bench/live-connections.csv.
# Knobs: SESSIONS=20000 HOT=10000 XMX=512m
source "$(dirname "$0")/lib.sh"

SESSIONS="${SESSIONS:-20000}"
HOT="${HOT:-10000}"
XMX="${XMX:-512m}"
CSV="$OUT/live-connections.csv"
START_S=$SECONDS
need java; need javac; need jcmd; need curl; need mvn

# Each connection is a file descriptor in the server and in a client: raise the soft limit to the hard one.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
FD_LIMIT=$(ulimit -n)
log "open files limit: $FD_LIMIT; load average $(loadavg)"
build_headcount
build_helpers

PORT=$(free_port 18381)
make_base tomcat-live "$ROOT/target/headcount.war"
start_tomcat tomcat-live "$PORT" -Xmx"$XMX" -Dhttp.maxConnections=$((SESSIONS + 1000)) -Dheadcount.maxConnections=$((SESSIONS + 1000))
SERVER_PID=$LAST_PID

heap_used_kb() { # full GC twice, then the heap's used KB
    jcmd "$SERVER_PID" GC.run >/dev/null; jcmd "$SERVER_PID" GC.run >/dev/null
    jcmd "$SERVER_PID" GC.heap_info | sed -n 's/.*heap *total [0-9]*K, used \([0-9]*\)K.*/\1/p' | head -1
}
rss_kb() { awk '/VmRSS/ {print $2}' "/proc/$SERVER_PID/status"; }
health_connections() { json_field "$(curl -s -m 5 "http://127.0.0.1:$PORT/headcount/health")" liveConnections; }

# The server's own descriptors (jars, logs, sockets) leave room for fewer connections than the limit.
SERVER_FDS=$(ls "/proc/$SERVER_PID/fd" | wc -l)
ROOM=$((FD_LIMIT - SERVER_FDS - 100))
NOTE=""
if (( SESSIONS > ROOM )); then
    NOTE="only $ROOM sessions fit: the open-files limit is $FD_LIMIT (hard limit, not raisable here) and the server already holds $SERVER_FDS"
    log "$NOTE"
    SESSIONS=$ROOM
fi
SPREAD=$((SESSIONS - HOT))

run_clients() { # $1 = tag, then plans; waits for RECEIVING from each; sets CLIENT_PIDS
    local tag="$1"; shift
    CLIENT_PIDS=()
    local i=0 plan
    rm -f "$OUT/live-stop-$tag"
    for plan in "$@"; do
        spawn "$OUT/live-client-$tag-$i.log" java -Xmx3g -Xss256k -cp "$BENCH_CLASSES" LiveLoad port="$PORT" \
            hosts=127.0.0.1,127.0.0.2,127.0.0.3,127.0.0.4 plan="$plan" stop="$OUT/live-stop-$tag" maxSeconds=600 settleSeconds=45
        CLIENT_PIDS+=("$LAST_PID")
        i=$((i + 1))
    done
    for (( i=0; i<${#CLIENT_PIDS[@]}; i++ )); do
        for _ in $(seq 1 400); do grep -q '^RECEIVING' "$OUT/live-client-$tag-$i.log" && break; sleep 0.5; done
        grep -q '^RECEIVING' "$OUT/live-client-$tag-$i.log" || { cat "$OUT/live-client-$tag-$i.log" >&2; die "client $tag-$i did not report"; }
    done
}
stop_clients() { # $1 = tag
    touch "$OUT/live-stop-$1"
    for pid in "${CLIENT_PIDS[@]}"; do
        for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
        stop_pid "$pid"
    done
}

# Warm-up: load the classes and fill the pools that any connection needs, then the baseline.
log "warm-up: 1000 sessions"
run_clients warm "spread:/warm/:1000:7"
stop_clients warm
for _ in $(seq 1 50); do [[ "$(health_connections)" == 0 ]] && break; sleep 0.2; done
BASE_KB=$(heap_used_kb)
BASE_RSS=$(rss_kb)
jcmd "$SERVER_PID" GC.class_histogram >"$OUT/live-histogram-base.txt" 2>&1 || true
log "baseline after full GC: heap used ${BASE_KB} KB, RSS ${BASE_RSS} KB"

log "opening $SESSIONS sessions: $HOT on /hot, $SPREAD spread 1-10 per page (load average $(loadavg))"
LOAD_AVG=$(loadavg)
run_clients main "hot:/hot:$HOT" "spread:/spread/:$SPREAD:42"
CONNECTED=0; RECEIVING=0
for i in 0 1; do
    c=$(sed -n 's/^CONNECTED sessions=\([0-9]*\).*/\1/p' "$OUT/live-client-main-$i.log"); CONNECTED=$((CONNECTED + c))
    r=$(sed -n 's/^RECEIVING ok=\([0-9]*\).*/\1/p' "$OUT/live-client-main-$i.log"); RECEIVING=$((RECEIVING + r))
    log "client $i: $(grep -E '^(CONNECTED|RECEIVING|FAILED)' "$OUT/live-client-main-$i.log" | tr '\n' ' ')"
done
SERVER_CONNS=$(health_connections)
FULL_KB=$(heap_used_kb)
FULL_RSS=$(rss_kb)
jcmd "$SERVER_PID" GC.class_histogram >"$OUT/live-histogram.txt" 2>&1 || true   # what the heap holds, for the curious
stop_clients main
for _ in $(seq 1 100); do [[ "$(health_connections)" == 0 ]] && break; sleep 0.2; done
AFTER_CONNS=$(health_connections)
AFTER_KB=$(heap_used_kb)

PER_CONN=$(awk -v a="$FULL_KB" -v b="$BASE_KB" -v n="$SESSIONS" 'BEGIN {printf "%.2f", (a - b) / n}')
PER_CONN_RSS=$(awk -v a="$FULL_RSS" -v b="$BASE_RSS" -v n="$SESSIONS" 'BEGIN {printf "%.2f", (a - b) / n}')
MET=$(awk -v v="$PER_CONN" 'BEGIN {print (v <= 13) ? "met" : "NOT met"}')
ALL=$([[ "$CONNECTED" == "$SESSIONS" && "$RECEIVING" == "$SESSIONS" && "$SERVER_CONNS" == "$SESSIONS" ]] && echo yes || echo no)

echo
echo "== Live connections (one node, -Xmx$XMX, java.net.http clients in 2 JVMs) =="
machine_facts
[[ -n "$NOTE" ]] && echo "note: $NOTE"
echo "sessions: $SESSIONS asked ($HOT on one page, $SPREAD spread 1-10 per page); connected $CONNECTED; receiving their page's count $RECEIVING; server's liveConnections $SERVER_CONNS; all connected and receiving: $ALL"
echo "heap used after full GC: baseline $BASE_KB KB, with $SESSIONS connections $FULL_KB KB, after they left $AFTER_KB KB ($AFTER_CONNS left)"
echo "heap per connection: $PER_CONN KB (target <= 13 KB: $MET); RSS per connection $PER_CONN_RSS KB (for reference)"
echo "load average during: $LOAD_AVG; took $((SECONDS - START_S)) s"
echo "sessions,connected,receiving,server_connections,base_heap_kb,full_heap_kb,after_heap_kb,heap_kb_per_connection,rss_kb_per_connection,target_met,loadavg" >"$CSV"
echo "$SESSIONS,$CONNECTED,$RECEIVING,$SERVER_CONNS,$BASE_KB,$FULL_KB,$AFTER_KB,$PER_CONN,$PER_CONN_RSS,$MET,$LOAD_AVG" >>"$CSV"
echo "CSV: $CSV"

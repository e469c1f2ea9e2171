#!/usr/bin/env bash
# Benchmark 4: notification latency on a crowded page. One Headcount node (real Tomcat, tomcat-conf/,
# -Xmx512m, notifyDeltaRatio=0 so that every change is sent, notifyMinDelay at its default 2 s); a client JVM
# (bench/java/NotifyLatency.java, java.net.http) holds 10,000 members of one page while a probe session joins
# and leaves it 30 times after random pauses of up to 3 s. Reports p50/p99 from the probe's move to each
# member's first frame showing it, over every member, and checks that the server serialized one frame per
# notice. Writes target/bench/notify-latency.csv (per event) and notify-latency-summary.csv.
# Knobs: MEMBERS=10000 EVENTS=30 MIN_DELAY_MS=2000
source "$(dirname "$0")/lib.sh"

MEMBERS="${MEMBERS:-10000}"
EVENTS="${EVENTS:-30}"
MIN_DELAY_MS="${MIN_DELAY_MS:-2000}"
CSV="$OUT/notify-latency.csv"
SUMMARY_CSV="$OUT/notify-latency-summary.csv"
START_S=$SECONDS
need java; need javac; need curl; need mvn
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
log "load average before: $(loadavg)"
build_headcount
build_helpers

PORT=$(free_port 18481)
make_base tomcat-notify "$ROOT/target/headcount.war"
start_tomcat tomcat-notify "$PORT" -Xmx512m -Dheadcount.notifyDeltaRatio=0 -Dheadcount.notifyMinDelay="${MIN_DELAY_MS}ms" \
    -Dhttp.maxConnections=$((MEMBERS + 1000))
LOAD_AVG=$(loadavg)
spawn "$OUT/notify-client.log" java -Xmx2g -cp "$BENCH_CLASSES" NotifyLatency port="$PORT" members="$MEMBERS" \
    events="$EVENTS" sample="$MEMBERS" maxPauseMs=3000 seed=1 csv="$CSV"
CLIENT_PID=$LAST_PID
for _ in $(seq 1 1200); do kill -0 "$CLIENT_PID" 2>/dev/null || break; sleep 0.5; done
kill -0 "$CLIENT_PID" 2>/dev/null && { stop_pid "$CLIENT_PID"; die "the client did not finish in 10 minutes"; }
grep -q '^LATENCY' "$OUT/notify-client.log" || { tail -20 "$OUT/notify-client.log" >&2; die "no result from the client"; }

field() { grep "^$1" "$OUT/notify-client.log" | tr ' ' '\n' | sed -n "s/^$2=//p"; }
P50=$(field LATENCY p50_ms); P99=$(field LATENCY p99_ms); MAX=$(field LATENCY max_ms); MISSING=$(field LATENCY missing)
SER=$(field SERIALIZATIONS during_events); NOTICES=$(field SERIALIZATIONS notices_heard_by_a_member); JOINS=$(field SERIALIZATIONS probe_joins)
TARGET=$((MIN_DELAY_MS + 100))
MET=$(awk -v v="$P99" -v t="$TARGET" 'BEGIN {print (v <= t) ? "met" : "NOT met"}')
ONCE=$([[ "$SER" == $((NOTICES + JOINS)) ]] && echo yes || echo no)

echo
echo "== Notification latency ($MEMBERS members on one page, $EVENTS probe joins/leaves, notifyMinDelay ${MIN_DELAY_MS} ms, notifyDeltaRatio 0) =="
machine_facts
grep -E '^(MEMBERS|EVENT)' "$OUT/notify-client.log"
echo "join/leave -> seen, over every member and event: p50 $P50 ms, p99 $P99 ms, max $MAX ms, never seen $MISSING (target p99 <= $TARGET ms: $MET)"
echo "serializations while the events ran: $SER for $NOTICES notices and $JOINS probe joins (one per notice, not per member: $ONCE)"
echo "load average during: $LOAD_AVG; took $((SECONDS - START_S)) s"
echo "members,events,min_delay_ms,p50_ms,p99_ms,max_ms,missing,target_ms,met,serializations,notices,probe_joins,one_per_notice,loadavg" >"$SUMMARY_CSV"
echo "$MEMBERS,$EVENTS,$MIN_DELAY_MS,$P50,$P99,$MAX,$MISSING,$TARGET,$MET,$SER,$NOTICES,$JOINS,$ONCE,$LOAD_AVG" >>"$SUMMARY_CSV"
echo "CSV: $CSV $SUMMARY_CSV"

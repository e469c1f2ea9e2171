#!/usr/bin/env bash
# Benchmark 2: flush at scale. Headcount (real Tomcat, tomcat-conf/, -Xmx1g, maxKeys 2M) is filled by wrk with
# 1M distinct keys; then wrk measures pixel latency for 4 s without a flush, and for 4 s with a forced flush
# (POST /admin/flush to a local receiver) starting 0.5 s in. Reports the flush's duration (take the hits, write
# the batches of at most maxBodyBytes to the outbox on disk, POST each, answered), the heap (sampled every 50 ms
# by jstat) and the p99 ratio; TRIALS times with the default logging (one summary line per flush), then once
# more with Pixel Ping's per-key record on (org.headcount.hits.level = FINE: one "hits:<TAB>key" line per key).
# Writes target/bench/flush-at-scale.csv. Knobs: TRIALS=3 KEYS=1000000 XMX=1g
source "$(dirname "$0")/lib.sh"

TRIALS="${TRIALS:-3}"
KEYS="${KEYS:-1000000}"
XMX="${XMX:-1g}"
WINDOW_S=4
CSV="$OUT/flush-at-scale.csv"
START_S=$SECONDS
need java; need javac; need jcmd; need jstat; need curl; need mvn
ensure_wrk
log "load average before: $(loadavg)"
build_headcount
build_helpers

RECEIVER_PORT=$(free_port 18290)
spawn "$OUT/receiver-flush.log" java -Xmx2g -cp "$BENCH_CLASSES" BenchReceiver "$RECEIVER_PORT"
for _ in $(seq 1 50); do grep -q RECEIVER_READY "$OUT/receiver-flush.log" && break; sleep 0.1; done
PORT=$(free_port 18281)
URL="http://127.0.0.1:$PORT/headcount/pixel.gif"

# $1 = base name, $2 = record level (default: tomcat-conf's logging as shipped; FINE: a line per key)
start_node() {
    make_base "$1" "$ROOT/target/headcount.war"
    if [[ "$2" == FINE ]]; then echo "org.headcount.hits.level = FINE" >>"$OUT/$1/conf/logging.properties"; fi
    start_tomcat "$1" "$PORT" -Xmx"$XMX" -Xlog:gc:file="$OUT/$1/logs/gc.log":uptime \
        -Dheadcount.endpoint="http://127.0.0.1:$RECEIVER_PORT/hits" -Dheadcount.maxKeys=2000000 -Dheadcount.interval=3600
    NODE_PID=$LAST_PID
}
wrk_result() { # $1 = field, $2 = wrk output
    grep '^WRK_RESULT' <<<"$2" | tr ' ' '\n' | sed -n "s/^$1=//p"
}
heap_used_kb() { jcmd "$NODE_PID" GC.heap_info | sed -n 's/.*heap *total [0-9]*K, used \([0-9]*\)K.*/\1/p' | head -1; }

echo "trial,record,keys_taken,hits_taken,flush_ms,admin_call_ms,batches,body_mb,receiver_keys,heap_before_mb,heap_peak_mb,heap_after_gc_mb,xmx,p99_no_flush_ms,p99_flush_ms,p99_ratio,rps_no_flush,rps_flush,loadavg_1m" >"$CSV"
trial() { # $1 = trial label, $2 = record level
    local t="$1" record="$2" out fill base_out flush_out
    admin_flush "$PORT" >/dev/null   # start from an empty counter
    log "trial $t (record $record): filling $KEYS distinct keys (load average $(loadavg))"
    local per_thread=$(( (KEYS + 1) / 2 + 200 ))   # a little over, for the requests cut at the end
    rm -f "$OUT"/flush-filled-*
    timeout 300 wrk -t2 -c50 -d240s --timeout 5s -s "$ROOT/bench/pixel.lua" "$URL" \
        -- 240 0 0 "/fill/$t/" /headcount/pixel.gif "$per_thread" "$OUT/flush-filled-" >"$OUT/flush-fill-$t.txt" &
    local fill_pid=$!
    for _ in $(seq 1 2400); do [[ -f "$OUT/flush-filled-0" && -f "$OUT/flush-filled-1" ]] && break; sleep 0.1; done
    kill -INT "$fill_pid" 2>/dev/null || true   # wrk stops at once and still prints its summary
    wait "$fill_pid" || true
    fill=$(cat "$OUT/flush-fill-$t.txt")
    log "  filled: $(wrk_result keyed "$fill") keyed requests at $(wrk_result rps "$fill") req/s"
    local la; la=$(cut -d' ' -f1 /proc/loadavg)
    base_out=$(timeout 60 wrk -t2 -c50 -d${WINDOW_S}s --timeout 5s -s "$ROOT/bench/pixel.lua" "$URL" -- $WINDOW_S 10000 0 /bench/page-)
    local before_kb; before_kb=$(heap_used_kb)
    local lines_before; lines_before=$(grep -c '^BATCH' "$OUT/receiver-flush.log" || true)
    timeout 60 jstat -gc "$NODE_PID" 50 >"$OUT/flush-jstat-$t.txt" 2>&1 &
    local jstat_pid=$!
    timeout 60 wrk -t2 -c50 -d${WINDOW_S}s --timeout 5s -s "$ROOT/bench/pixel.lua" "$URL" -- $WINDOW_S 10000 0 /bench/page- >"$OUT/flush-wrk-$t.txt" &
    local wrk_pid=$!
    sleep 0.5
    flush_out=$(curl -s -m 120 -u "$ADMIN_USER:$ADMIN_PASSWORD" -X POST -w ' ADMIN_MS=%{time_total}' "http://127.0.0.1:$PORT/headcount/admin/flush")
    wait "$wrk_pid" || true
    sleep 0.3; kill "$jstat_pid" 2>/dev/null; wait "$jstat_pid" 2>/dev/null || true
    out=$(cat "$OUT/flush-wrk-$t.txt")
    jcmd "$NODE_PID" GC.run >/dev/null
    local after_kb; after_kb=$(heap_used_kb)
    local peak_kb; peak_kb=$(awk 'NR > 1 && $1 ~ /^[0-9.]+$/ {u = $3 + $4 + $6 + $8; if (u > m) m = u} END {printf "%d", m}' "$OUT/flush-jstat-$t.txt")
    local flush_ms keys hits admin_ms body_b rkeys batches
    batches=$(json_field "$flush_out" batchesDelivered)
    # The receiver answers first and prints after: wait for its line about each batch.
    for _ in $(seq 1 100); do
        (( $(grep -c '^BATCH' "$OUT/receiver-flush.log") - lines_before >= batches )) && break; sleep 0.1
    done
    local new; new=$(grep '^BATCH' "$OUT/receiver-flush.log" | tail -n +$((lines_before + 1)))
    flush_ms=$(json_field "$flush_out" durationMs); keys=$(json_field "$flush_out" keysTaken); hits=$(json_field "$flush_out" hitsTaken)
    admin_ms=$(awk -v s="$(sed -n 's/.*ADMIN_MS=\([0-9.]*\).*/\1/p' <<<"$flush_out")" 'BEGIN {printf "%d", s * 1000}')
    body_b=$(sed -n 's/.* bytes=\([0-9]*\).*/\1/p' <<<"$new" | awk '{s += $1} END {print s + 0}')
    rkeys=$(sed -n 's/.* keys=\([0-9]*\).*/\1/p' <<<"$new" | awk '{s += $1} END {print s + 0}')
    local p99b p99f ratio
    p99b=$(wrk_result p99_ms "$base_out"); p99f=$(wrk_result p99_ms "$out")
    ratio=$(awk -v a="$p99f" -v b="$p99b" 'BEGIN {printf "%.2f", a / b}')
    echo "$t,$record,$keys,$hits,$flush_ms,$admin_ms,$batches,$(awk -v b="$body_b" 'BEGIN {printf "%.1f", b / 1048576}'),$rkeys,$((before_kb / 1024)),$((peak_kb / 1024)),$((after_kb / 1024)),$XMX,$p99b,$p99f,$ratio,$(wrk_result rps "$base_out"),$(wrk_result rps "$out"),$la" >>"$CSV"
    log "  flush of $keys keys / $hits hits: ${flush_ms} ms (admin call ${admin_ms} ms), $batches batches, $body_b bytes, receiver got $rkeys keys"
    log "  heap: ${before_kb} KB before, peak ${peak_kb} KB during, ${after_kb} KB after GC (max $XMX)"
    log "  pixel p99: ${p99b} ms without a flush, ${p99f} ms with one (x$ratio)"
}

start_node tomcat-flush default
for (( i=1; i<=TRIALS; i++ )); do trial "$i" default; done
stop_pid "$NODE_PID"
start_node tomcat-flush-record FINE
trial record FINE
stop_pid "$NODE_PID"

median() { sort -g | awk '{a[NR]=$1} END {if (NR % 2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}'; }
col() { awk -F, -v c="$1" 'NR > 1 && $2 == "default" {print $c}' "$CSV"; }
FLUSH_MED=$(col 5 | median); PEAK_MAX=$(col 11 | sort -g | tail -1); RATIO_MED=$(col 16 | median)
KEYS_MIN=$(col 3 | sort -g | head -1)
echo
echo "== Flush at scale ($KEYS keys asked; -Xmx$XMX; $TRIALS trials with the default logging, 1 with the per-key record) =="
machine_facts
column -s, -t <"$CSV"
echo "flush duration, median: $FLUSH_MED ms (target < 2000 ms: $(awk -v v="$FLUSH_MED" 'BEGIN {print (v < 2000) ? "met" : "NOT met"}')); fewest keys taken: $KEYS_MIN"
echo "heap peak during the flushes: $PEAK_MAX MB of $XMX (bounded: $(awk -v p="$PEAK_MAX" -v x="$XMX" 'BEGIN {x = x + 0; if (x < 64) x *= 1024; print (p < x) ? "yes" : "NO"}'))"
echo "pixel p99 with a flush / without, median: x$RATIO_MED (target <= 2: $(awk -v v="$RATIO_MED" 'BEGIN {print (v <= 2) ? "met" : "NOT met"}'))"
echo "with the per-key record (FINE): $(awk -F, '$2 == "FINE" {printf "flush %s ms, p99 x%s", $5, $16}' "$CSV")"
echo "load average after: $(loadavg); took $((SECONDS - START_S)) s"
echo "CSV: $CSV"

#!/usr/bin/env bash
# Benchmark 6: Redis work and agreement of a live-counts cluster as it grows. For each node count in NODES, one
# redis-server on 127.0.0.1 and that many node JVMs, each the real PresenceRegistry + RedisCluster
# (bench/java-cluster/ClusterNode.java) driven by a coordinator (ClusterScale.java) over stdin/stdout. Every node
# joins MEMBERS fake members on each of the PAGES shared pages /page-<i> (one without a visitor id, the others with
# ids drawn from 8 per page, so one visitor is often on several nodes); once every node's view equals the truth,
# Redis's stats are reset and every node makes RATE joins/leaves a second on random pages for CHURN_S seconds.
# Reports Redis commands per change (all commands in INFO commandstats except the housekeeping info, config,
# client, hello and command, divided by the changes all nodes made), commands per second per node, and the time
# from the last change until every node's cluster-wide view (stats(false)) equals the merge of every node's own
# presence, a visitor on several nodes once. Targets: commands per change flat (within ±20% of the first run's)
# as nodes grow, and agreement within nodeTimeout. Writes target/bench/cluster-scale.csv.
# Knobs: NODES="2 4 8" PAGES=1000 MEMBERS=3 RATE=200 CHURN_S=10 NODE_TIMEOUT_MS=3000
source "$(dirname "$0")/lib.sh"

NODES="${NODES:-2 4 8}"
PAGES="${PAGES:-1000}"
MEMBERS="${MEMBERS:-3}"
RATE="${RATE:-200}"
CHURN_S="${CHURN_S:-10}"
NODE_TIMEOUT_MS="${NODE_TIMEOUT_MS:-3000}"
CSV="$OUT/cluster-scale.csv"
START_S=$SECONDS
need java; need javac; need mvn
need redis-server "apt-get install redis-server"; need redis-cli "apt-get install redis-tools"
log "load average before: $(loadavg)"
build_cluster_helpers

# One run with $1 nodes against a fresh redis-server; leaves its RESULT and COMMANDS lines in $OUT/cluster-scale-$1.log.
run_nodes() {
    local n="$1" port redis_pid coordinator
    port=$(free_port 16390)
    spawn "$OUT/cluster-redis-$n.log" redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no
    redis_pid=$LAST_PID
    for _ in $(seq 1 50); do [[ "$(redis-cli -h 127.0.0.1 -p "$port" ping 2>/dev/null)" == PONG ]] && break; sleep 0.1; done
    [[ "$(redis-cli -h 127.0.0.1 -p "$port" ping 2>/dev/null)" == PONG ]] || die "redis-server did not start, see $OUT/cluster-redis-$n.log"
    log "$n nodes: $PAGES pages x $MEMBERS members each, $RATE changes/s per node for $CHURN_S s (Redis on port $port)"
    spawn "$OUT/cluster-scale-$n.log" java -Xmx256m -cp "$CLUSTER_CP" ClusterScale redisPort="$port" nodes="$n" \
        pages="$PAGES" members="$MEMBERS" rate="$RATE" churnS="$CHURN_S" nodeTimeoutMs="$NODE_TIMEOUT_MS" logDir="$OUT"
    coordinator=$LAST_PID
    # Bounded: starting, first agreement, churn, agreement and its check each have their own limit in ClusterScale.
    for _ in $(seq 1 $(( (300 + CHURN_S) * 2 ))); do kill -0 "$coordinator" 2>/dev/null || break; sleep 0.5; done
    kill -0 "$coordinator" 2>/dev/null && { stop_pid "$coordinator"; log "$n nodes: the coordinator did not finish in time"; }
    stop_pid "$redis_pid"
    grep -q '^RESULT' "$OUT/cluster-scale-$n.log" || { tail -20 "$OUT/cluster-scale-$n.log" >&2; die "no result for $n nodes"; }
}

field() { grep '^RESULT' "$OUT/cluster-scale-$1.log" | tr ' ' '\n' | sed -n "s/^$2=//p"; }

LOAD_AVG=""
for n in $NODES; do
    run_nodes "$n"
    LOAD_AVG="$LOAD_AVG${LOAD_AVG:+; }$n: $(loadavg)"
done

echo
echo "== Cluster scale ($PAGES shared pages x $MEMBERS members per node, $RATE changes/s per node for $CHURN_S s, nodeTimeout $NODE_TIMEOUT_MS ms) =="
machine_facts
echo "commands: every command in INFO commandstats after CONFIG RESETSTAT except info, config, client, hello, command (the bench's and the clients' housekeeping)"
echo "commands per change: total commands / total changes (each change a join or leave made on one node) - the issue's \"commands per node per change\""
echo "agreement: from the last change (every node stopped) until every node's stats(false) equals the merge of all nodes' own presence"
echo
FIRST=""
echo "nodes,pages_per_node,members_per_page,rate_per_node,changes,churn_s,commands,cmd_per_s_per_node,cmd_per_change,flat_vs_first_pct,flat_met,agreement_ms,node_timeout_ms,agreement_met,stable_after,ready_agreement_ms,redis_cpu_us_per_change" >"$CSV"
printf '%5s %6s %8s %7s %9s %13s %11s %9s %12s %10s %6s %s\n' nodes pages changes churn_s commands "cmd/s/node" "cmd/change" "vs first" "agreement_ms" nodeTimeout stable "targets"
for n in $NODES; do
    CPC=$(field "$n" cmd_per_change); AGREE=$(field "$n" agreement_ms); STABLE=$(field "$n" stable)
    FIRST="${FIRST:-$CPC}"
    PCT=$(awk -v v="$CPC" -v f="$FIRST" 'BEGIN {printf "%+.1f", (v / f - 1) * 100}')
    FLAT=$(awk -v p="$PCT" 'BEGIN {print (p <= 20 && p >= -20) ? "met" : "NOT met"}')
    AGREED=$(awk -v a="$AGREE" -v t="$NODE_TIMEOUT_MS" -v s="$STABLE" 'BEGIN {print (a >= 0 && a <= t && s == "yes") ? "met" : "NOT met"}')
    printf '%5s %6s %8s %7s %9s %13s %11s %8s%% %12s %10s %6s flat: %s, agreement: %s\n' "$n" "$PAGES" "$(field "$n" changes)" \
        "$(field "$n" churn_s)" "$(field "$n" commands)" "$(field "$n" cmd_per_s_per_node)" "$CPC" "$PCT" "$AGREE" \
        "$NODE_TIMEOUT_MS" "$STABLE" "$FLAT" "$AGREED"
    echo "$n,$PAGES,$MEMBERS,$RATE,$(field "$n" changes),$(field "$n" churn_s),$(field "$n" commands),$(field "$n" cmd_per_s_per_node),$CPC,$PCT,$FLAT,$AGREE,$NODE_TIMEOUT_MS,$AGREED,$STABLE,$(field "$n" ready_agreement_ms),$(field "$n" redis_cpu_us_per_change)" >>"$CSV"
done
echo
# Calls per change of each counted command, from a COMMANDS line: which part grows with nodes, if any.
per_change() {
    grep '^COMMANDS' "$OUT/cluster-scale-$1.log" | cut -d' ' -f2- | tr ' ' '\n' | awk -F= -v c="$(field "$1" changes)" '
        { split($1, base, "|") } base[1] !~ /^(info|config|client|hello|command)$/ { printf "%s=%.4f ", $1, $2 / c }'
}

for n in $NODES; do
    echo "$n nodes, per change by command: $(per_change "$n")"
done
for n in $NODES; do
    echo "$n nodes, calls by command: $(grep '^COMMANDS' "$OUT/cluster-scale-$n.log" | cut -d' ' -f2-);" \
        "first agreement after start $(field "$n" ready_agreement_ms) ms; Redis CPU $(field "$n" redis_cpu_us_per_change) us per change"
done
echo "load average after each run: $LOAD_AVG; took $((SECONDS - START_S)) s"
echo "CSV: $CSV"

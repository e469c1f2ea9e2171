# Shared by the bench/*.sh scripts: build, Tomcat bases laid out as `mvn -Prun package` lays them out,
# process bookkeeping with cleanup on exit, and machine facts. Sourced, not run.
# Everything listens on and talks to 127.0.0.1 only.

set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OUT="$ROOT/target/bench"
mkdir -p "$OUT"
TOMCAT_VERSION="$(sed -n 's:.*<tomcat.version>\(.*\)</tomcat.version>.*:\1:p' "$ROOT/pom.xml" | head -1)"
TOMCAT_HOME="$ROOT/target/apache-tomcat-$TOMCAT_VERSION"
BENCH_CLASSES="$OUT/classes"
ADMIN_USER=admin
ADMIN_PASSWORD=change-me   # tomcat-conf/tomcat-users.xml's example user
PIDS=()

log() { printf '%s %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "FAILED: $*"; exit 1; }
loadavg() { cut -d' ' -f1-3 /proc/loadavg; }

# Ends every process this script started (TERM, then KILL after 15 s), newest first.
cleanup() {
    local pid i
    for (( i=${#PIDS[@]}-1; i>=0; i-- )); do
        pid="${PIDS[$i]}"
        kill -0 "$pid" 2>/dev/null || continue
        kill -TERM "$pid" 2>/dev/null || true
        for _ in $(seq 1 150); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -0 "$pid" 2>/dev/null && { log "pid $pid did not stop; killing it"; kill -KILL "$pid" 2>/dev/null || true; }
    done
    PIDS=()
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Starts "$@" in the background with output to file $1 (shifted), remembers its pid in LAST_PID.
spawn() {
    local logfile="$1"; shift
    "$@" >"$logfile" 2>&1 &
    LAST_PID=$!
    PIDS+=("$LAST_PID")
}

stop_pid() {
    local pid="$1"
    kill -TERM "$pid" 2>/dev/null || return 0
    for _ in $(seq 1 150); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
}

need() { command -v "$1" >/dev/null 2>&1 || die "$1 is not installed${2:+ ($2)}"; }

# wrk from Debian's packages; installed when missing (the machine's documented way).
ensure_wrk() {
    if ! command -v wrk >/dev/null 2>&1; then
        log "installing wrk (apt-get install -y wrk)"
        DEBIAN_FRONTEND=noninteractive apt-get install -y -q wrk >"$OUT/apt-wrk.log" 2>&1 \
            || { apt-get update -q >>"$OUT/apt-wrk.log" 2>&1 && DEBIAN_FRONTEND=noninteractive apt-get install -y -q wrk >>"$OUT/apt-wrk.log" 2>&1; } \
            || die "could not install wrk, see $OUT/apt-wrk.log"
    fi
}

# A free TCP port on 127.0.0.1, at or above $1.
free_port() {
    local p="$1"
    for _ in $(seq 1 200); do
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then echo "$p"; return 0; fi
        p=$((p + 1))
    done
    die "no free port from $1"
}

# target/headcount.war (tests skipped: `mvn verify` is their place) and the Tomcat distribution.
build_headcount() {
    if [[ "${BENCH_SKIP_BUILD:-0}" != 1 || ! -f "$ROOT/target/headcount.war" ]]; then
        log "building target/headcount.war"
        (cd "$ROOT" && mvn -B -q -DskipTests package) >"$OUT/mvn-package.log" 2>&1 || die "mvn package, see $OUT/mvn-package.log"
    fi
    if [[ ! -f "$TOMCAT_HOME/bin/bootstrap.jar" ]]; then
        log "unpacking Apache Tomcat $TOMCAT_VERSION into target/"
        (cd "$ROOT" && mvn -B -q org.apache.maven.plugins:maven-dependency-plugin:3.11.0:unpack \
            -Dartifact="org.apache.tomcat:tomcat:$TOMCAT_VERSION:zip" -DoutputDirectory="$ROOT/target") \
            >"$OUT/mvn-tomcat.log" 2>&1 || die "could not get Tomcat, see $OUT/mvn-tomcat.log"
    fi
}

# The bench's own Java helpers (bench/java), compiled with the JDK alone.
build_helpers() {
    mkdir -p "$BENCH_CLASSES"
    javac --release 17 -d "$BENCH_CLASSES" "$ROOT"/bench/java/*.java 2>"$OUT/javac-helpers.log" \
        || die "javac bench/java, see $OUT/javac-helpers.log"
}

# The cluster bench's helpers (bench/java-cluster), compiled against target/classes (built here, tests skipped) and
# the runtime dependencies (Jedis, Yasson, Parsson, slf4j-jdk14); sets CLUSTER_CP, the classpath to run them with.
# The dependency plugin's scope filter is -DincludeScope: -Dmdep.includeScope is ignored and lets the test jars in.
build_cluster_helpers() {
    local classes="$OUT/cluster-classes"
    if [[ "${BENCH_SKIP_BUILD:-0}" != 1 || ! -d "$ROOT/target/classes/org" ]]; then
        log "building target/classes"
        (cd "$ROOT" && mvn -B -q -DskipTests package) >"$OUT/mvn-package.log" 2>&1 || die "mvn package, see $OUT/mvn-package.log"
    fi
    (cd "$ROOT" && mvn -B -q dependency:build-classpath -Dmdep.outputFile="$OUT/cp.txt" -DincludeScope=runtime) \
        >"$OUT/mvn-classpath.log" 2>&1 || die "mvn dependency:build-classpath, see $OUT/mvn-classpath.log"
    CLUSTER_CP="$classes:$ROOT/target/classes:$(cat "$OUT/cp.txt")"
    rm -rf "$classes"
    mkdir -p "$classes"
    javac --release 17 -cp "$CLUSTER_CP" -d "$classes" "$ROOT"/bench/java-cluster/*.java 2>"$OUT/javac-cluster.log" \
        || die "javac bench/java-cluster, see $OUT/javac-cluster.log"
}

# A Tomcat base in $OUT/$1 with the distribution's conf/ overlaid by tomcat-conf/, as the run profile does,
# and WAR $2 deployed as headcount.war.
make_base() {
    local base="$OUT/$1" war="$2"
    rm -rf "$base"
    mkdir -p "$base/conf" "$base/logs" "$base/temp" "$base/work" "$base/webapps"
    cp -r "$TOMCAT_HOME/conf/." "$base/conf/"
    cp -r "$ROOT/tomcat-conf/." "$base/conf/"
    cp "$war" "$base/webapps/headcount.war"
}

# Uncomments server.xml's RemoteIpValve recipe in file $1, as docs/security.md tells users behind a proxy to.
uncomment_remote_ip_valve() {
    python3 - "$1" <<'PY' || die "could not enable the RemoteIpValve in $1"
import re, sys
path = sys.argv[1]
xml = open(path).read()
m = re.search(r'<!--((?:(?!<!--)[\s\S])*?)(<Valve className="org\.apache\.catalina\.valves\.RemoteIpValve"[\s\S]*?/>)\s*-->', xml)
if not m:
    sys.exit("no RemoteIpValve recipe in " + path)
open(path, "w").write(xml[:m.start()] + "<!--" + m.group(1) + "-->\n        " + m.group(2) + xml[m.end():])
PY
}

# Starts Tomcat on base $1 and port $2 with extra JVM options $3..., with the run profile's options;
# sets LAST_PID and waits until /headcount answers. BENCH_JFR=1 records a JFR profile into the base's logs/.
start_tomcat() {
    local base="$OUT/$1" port="$2"; shift 2
    if [[ "${BENCH_JFR:-0}" == 1 ]]; then set -- "$@" -XX:StartFlightRecording=filename="$base/logs/profile.jfr",settings=profile; fi
    spawn "$base/logs/stdout.log" java \
        -Dcatalina.home="$TOMCAT_HOME" -Dcatalina.base="$base" -Djava.io.tmpdir="$base/temp" \
        -Djava.util.logging.manager=org.apache.juli.ClassLoaderLogManager \
        -Djava.util.logging.config.file="$base/conf/logging.properties" \
        -Djava.awt.headless=true -Djdk.tls.ephemeralDHKeySize=2048 \
        --add-opens=java.base/java.lang=ALL-UNNAMED --add-opens=java.base/java.lang.reflect=ALL-UNNAMED \
        --add-opens=java.base/java.io=ALL-UNNAMED --add-opens=java.base/java.util=ALL-UNNAMED \
        --add-opens=java.base/java.util.concurrent=ALL-UNNAMED --add-opens=java.rmi/sun.rmi.transport=ALL-UNNAMED \
        --enable-native-access=ALL-UNNAMED \
        -Dhttp.port="$port" "$@" \
        -cp "$TOMCAT_HOME/bin/bootstrap.jar:$TOMCAT_HOME/bin/tomcat-juli.jar" \
        org.apache.catalina.startup.Bootstrap start
    wait_http "http://127.0.0.1:$port/headcount/pixel.gif" 90 "$base/logs/stdout.log"
}

# Waits up to $2 s for URL $1 to answer 200; $3 is the log to show on failure.
wait_http() {
    local url="$1" seconds="$2" logfile="${3:-}"
    for _ in $(seq 1 $((seconds * 5))); do
        if [[ "$(curl -s -o /dev/null -m 2 -w '%{http_code}' "$url" 2>/dev/null)" == 200 ]]; then return 0; fi
        sleep 0.2
    done
    [[ -n "$logfile" ]] && tail -30 "$logfile" >&2
    die "$url did not answer 200 within ${seconds}s"
}

# POST /admin/flush on port $1; prints the flush outcome JSON.
admin_flush() {
    curl -s -m 60 -u "$ADMIN_USER:$ADMIN_PASSWORD" -X POST "http://127.0.0.1:$1/headcount/admin/flush"
}

# One JSON number field $2 from JSON text $1 (flat enough for the flush outcome and /health).
json_field() { sed -n "s/.*\"$2\":\([0-9.eE+-]*\).*/\1/p" <<<"$1" | head -1; }

machine_facts() {
    printf 'machine: %s, %s cores, %s GiB RAM; %s; Node %s; %s\n' \
        "$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)" "$(nproc)" \
        "$(awk '/MemTotal/ {printf "%.0f", $2/1048576}' /proc/meminfo)" \
        "$(java -version 2>&1 | head -1)" "$(node -v 2>/dev/null || echo none)" "$(wrk -v 2>&1 | head -1 | cut -d' ' -f1-2)"
}

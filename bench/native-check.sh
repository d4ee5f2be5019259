#!/usr/bin/env bash
# Native-image check without a GraalVM: runs the native-image builder itself, from its jars on
# Maven Central, on a stock JDK 25, over clusterfn's native build inputs, up to the point where a
# real build would link the executable, and reports what the builder found. See bench/README.md.
#
#   1. ./mvnw package -Dnative -Dquarkus.native.sources-only=true: Quarkus' native build inputs
#      (target/native-sources: the runner jar, its libraries, the driver's arguments)
#   2. the builder's jars (bench/native/pom.xml), the C headers of the builder's helper library
#      regenerated from its Java declarations (bench/native/CHeaders.java), a plain-Java stand-in
#      for its JNI progress helper (bench/native/src), the builder's command line
#      (bench/native/BuilderArgs.java: what the native-image driver would do)
#   3. the builder, with -H:+ExitAfterRelocatableImageWrite: class initialization, points-to
#      analysis, universe, compilation, layout and the relocatable object file, then it stops:
#      the link needs the JDK's static libraries and the builder's C libraries, which only a
#      GraalVM or Mandrel distribution has.
#
# It prints the phases reached with their time and memory, the builder's peak RSS, its errors and
# warnings, and writes the summary to bench/results/native-check-<UTC time>.txt. Exit status: 0
# when the builder wrote the image's object file, 1 when the builder failed (its errors are the
# summary), 2 when something it needs is missing (it says what).
#
# Environment:
#   JDK25=/usr/lib/jvm/temurin-25-jdk-amd64  the JDK that runs the builder (JVMCI; 25.0.x)
#   GRAALVM_VERSION=25.0.2   the builder's version; newer ones refuse an older JDK update (see README)
#   OPTIMIZE=b               the builder's -O level (b: quick build; the analysis is the same)
#   BUILDER_XMX=8g           the builder's heap
#   TIMEOUT=3600             seconds the builder may run before it is stopped
#   SOURCES=build            build: ./mvnw the native sources first; keep: use target/native-sources as is
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

JDK25=${JDK25:-/usr/lib/jvm/temurin-25-jdk-amd64}
GRAALVM_VERSION=${GRAALVM_VERSION:-25.0.2}
OPTIMIZE=${OPTIMIZE:-b}
BUILDER_XMX=${BUILDER_XMX:-8g}
TIMEOUT=${TIMEOUT:-3600}
SOURCES=${SOURCES:-build}
work=bench/.work/native
sources=target/native-sources

missing() { echo "native-check: not run: $*" >&2; exit 2; }
[ -x "$JDK25/bin/java" ] || missing "no JDK 25 at $JDK25 (set JDK25; the builder needs JVMCI, which JDK 25 has)"
"$JDK25/bin/java" --list-modules | grep -q '^jdk.internal.vm.ci@' || missing "the JDK at $JDK25 has no JVMCI module"
command -v gcc >/dev/null || missing "no gcc (the builder compiles small C programs to learn C struct layouts: apt-get install gcc libc6-dev zlib1g-dev)"
command -v timeout >/dev/null || missing "no timeout (coreutils)"

# --- processes: the builder is stopped on exit, also when interrupted ------------------------------
builder_pid=''
# shellcheck disable=SC2317 # called by the trap
cleanup() {
    if [ -n "$builder_pid" ] && kill -0 "$builder_pid" 2>/dev/null; then
        kill -TERM "$builder_pid" 2>/dev/null || true
        for _ in $(seq 1 100); do kill -0 "$builder_pid" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$builder_pid" 2>/dev/null || true
        wait "$builder_pid" 2>/dev/null || true
    fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

rm -rf "$work" && mkdir -p "$work/tmp" bench/results
started=$(date +%s)

# --- 1. the native build inputs -----------------------------------------------------------------
if [ "$SOURCES" = build ]; then
    echo "building the native sources (./mvnw package -Dnative -Dquarkus.native.sources-only=true)..."
    ./mvnw -q -B -ntp package -Dnative -Dquarkus.native.sources-only=true -DskipTests >"$work/sources.log" 2>&1 ||
        { tail -40 "$work/sources.log"; echo "native-check: the native sources did not build" >&2; exit 1; }
fi
[ -f "$sources/native-image.args" ] || missing "no $sources/native-image.args (run with SOURCES=build)"

# --- 2. the builder and its command line --------------------------------------------------------
echo "resolving the native-image builder $GRAALVM_VERSION (bench/native/pom.xml)..."
JAVA_HOME=$JDK25 ./mvnw -q -B -ntp -f bench/native/pom.xml dependency:build-classpath \
    -Dgraalvm.version="$GRAALVM_VERSION" -Dmdep.outputFile="$root/$work/builder-cp.txt" >"$work/resolve.log" 2>&1 ||
    { tail -20 "$work/resolve.log"; missing "the builder's jars $GRAALVM_VERSION could not be resolved"; }
echo "preparing the builder's C headers, helper and command line..."
tr ':' '\n' <"$work/builder-cp.txt" | xargs "$JDK25/bin/java" bench/native/CHeaders.java "$work/clibraries" >"$work/prepare.log"
"$JDK25/bin/javac" --release 21 -d "$work/patch" bench/native/src/com/oracle/svm/hosted/ProgressReporterCHelper.java
"$JDK25/bin/java" bench/native/BuilderArgs.java "$sources" "$work/builder-cp.txt" "$work" \
    -H:+ExitAfterRelocatableImageWrite -H:Optimize="$OPTIMIZE" -H:TempDirectory="$root/$work/tmp" \
    -J-Xmx"$BUILDER_XMX" | tee -a "$work/prepare.log"

# --- 3. the builder -----------------------------------------------------------------------------
echo "running the builder (up to $TIMEOUT s; log: $work/builder.log)..."
log=$work/builder.log
# user + system CPU seconds of this shell's waited-for children (the builder, once it has ended)
# (`times` runs in this shell, not in a command substitution's subshell, which has no children)
children_cpu() { times >"$work/times"; tail -1 "$work/times" | awk '{ t = 0; for (i = 1; i <= 2; i++) { split($i, p, /[ms]/); t += p[1] * 60 + p[2] } printf "%d", t }'; }
children_cpu >"$work/cpu0"
b0=$(date +%s)
USE_NATIVE_IMAGE_JAVA_PLATFORM_MODULE_SYSTEM=true \
    timeout -k 30 "$TIMEOUT" "$JDK25/bin/java" @"$work/jvm.args" --image-args-file="$root/$work/image.args" >"$log" 2>&1 &
builder_pid=$!
# progress: the phase lines as they come
tail -n +1 -f "$log" --pid="$builder_pid" 2>/dev/null | grep --line-buffered -E '^\[[0-9]/[0-9]\]|^(Error|Fatal error):' || true
status=0
wait "$builder_pid" || status=$?
builder_pid=''
b1=$(date +%s)
children_cpu >"$work/cpu1"

# --- the summary --------------------------------------------------------------------------------
object=$(find "$work/tmp" -name '*.o' -printf '%s %p\n' 2>/dev/null | sort -n | tail -1)
if [ "$status" = 124 ] || [ "$status" = 137 ]; then
    result="STOPPED after $TIMEOUT s (TIMEOUT)"
elif [ "$status" = 0 ] && grep -q "^Finished generating" "$log"; then
    result="OK: analysis, compilation and image layout done; object file ${object:+$(awk '{printf "%.0f MiB", $1 / 1048576}' <<<"$object") }written; link skipped"
else
    result="FAILED (builder exit status $status)"
fi
report="bench/results/native-check-$(date -u +%Y%m%dT%H%M%SZ).txt"
{
    echo "clusterfn native-image check, $(date -u +%Y-%m-%dT%H:%M:%SZ): the builder from Maven Central on a stock JDK, link skipped"
    echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo); load average $(cut -d' ' -f1-3 /proc/loadavg)"
    echo "JDK: $("$JDK25/bin/java" -version 2>&1 | sed -n 2p); builder: org.graalvm.nativeimage:svm $GRAALVM_VERSION, -O$OPTIMIZE, -Xmx$BUILDER_XMX"
    echo "clusterfn: commit $(git rev-parse --short HEAD 2>/dev/null || echo '?')$(git diff --quiet HEAD -- src pom.xml 2>/dev/null || echo ' with uncommitted changes')"
    echo
    echo "phases reached:"
    grep -E '^\[[0-9]/[0-9]\]' "$log" | sed -E 's/ +\(/  (/; s/^/  /' || echo "  none"
    grep -E '^ +[0-9,]+ (types|native libraries)|registered for (reflection|JNI)' "$log" | sed 's/^ */    /' || true
    echo
    echo "result: $result"
    echo "builder: $((b1 - b0)) s wall, $(($(cat "$work/cpu1") - $(cat "$work/cpu0"))) s CPU; $(grep -oE 'Peak RSS: [0-9.]+[GM]B' "$log" | tail -1 || echo 'peak RSS unknown'); $(grep -oE '[0-9.]+s \([0-9.]+% of total time\) in [0-9]+ GCs' "$log" | tail -1 || true)"
    echo "whole check: $(($(date +%s) - started)) s"
    echo
    # each error with its explanation, without stack frames (the builder log has them)
    errors=$(awk '/^(Error|Fatal error)/ {p = 1} /^(Warning|----------|==========|\[[0-9]\/)/ {p = 0} /^[ \t]+(at |\.\.\. [0-9]+ more)/ {next} p' "$log" |
        cat -s | head -80)
    echo "errors:"
    if [ -n "$errors" ]; then printf '%s\n' "$errors" | sed 's/^/  /'; else echo "  none"; fi
    echo "warnings:"
    grep -E '^Warning:' "$log" | sort | uniq -c | sed 's/^ */  /' || echo "  none"
} | tee "$report"
echo "written to $report (builder log: $log)"
case "$result" in OK*) exit 0 ;; *) exit 1 ;; esac

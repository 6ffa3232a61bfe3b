#!/usr/bin/env bash
# Builds Vigil if needed and runs the benchmarks (bench/README.md). Each prints its own figures.
#
#   sudo bench/run.sh [all]                 ExecLoopBench, PipelineBench, then the JMH benchmark
#   sudo bench/run.sh exec     [options]    ExecLoopBench  (--execs 2000 --rounds 5 --phases ... --json FILE --pin)
#   sudo bench/run.sh pipeline [options]    PipelineBench  (--calls 2000000 --warmup-calls 2000000 --runs 1 ...)
#   sudo bench/run.sh open     [options]    OpenLoopBench  (--opens 200000 --rounds 3 --policies 10 --cycles 5 --slices 60)
#        bench/run.sh jmh      [JMH opts]   DecodeEnrichJsonBench (e.g. -f 1 -wi 2 -i 3 -p cache=agent -prof gc)
#        bench/run.sh file     [options]    FileExportBench (--events 2000000 --runs 3 --dir DIR --redact)
#        bench/run.sh export   [options]    ExportBench: remote exporters against real receivers (--exporter
#                                           elasticsearch|syslog-tls|syslog-tcp|kafka|all --events 200000 --runs 2
#                                           --warmup 20000 --pace EVENTS_PER_S --syslog-format json|cef --dir DIR)
#   sudo bench/run.sh fanotify [opens] [rounds]  OpenLatencyBench: open with no guard / guard elsewhere / marked dir
#   sudo bench/run.sh kill     [options]    KillLatencyBench: violation to death (--offenders 500 --warmup 50)
#   sudo bench/run.sh asset    [options]    AssetGuardBench: model-theft guard, iperf3 off/on/tainted and connect
#                                           latency with 10k allow entries (--seconds 5 --rounds 5 --connects 5000
#                                           --warmup 1000 --entries 10000 --only iperf|connect); needs iperf3
#
# The JVM runs with the agent's own flags (bin/vigil): -XX:+UseSerialGC -Xms64m -Xmx512m;
# VIGIL_BENCH_JAVA_OPTS replaces them. VIGIL_BENCH_NO_BUILD=1 skips the build check.
set -euo pipefail
root=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
bench=$root/bench
jar=$bench/target/vigil-bench-0.1.0-SNAPSHOT.jar
cpfile=$bench/target/bench.classpath

needs_build() {
  [ -f "$jar" ] && [ -f "$cpfile" ] && [ -x "$bench/target/workloads/execloop" ] \
    && [ -x "$bench/target/workloads/getppid_loop" ] \
    && [ -x "$bench/target/workloads/victim" ] || return 0
  # any source or pom newer than the bench jar
  [ -n "$(find "$root/pom.xml" "$root"/*/pom.xml "$root/agent/api/pom.xml" "$root/kprobe-bpf/src" \
            "$root/agent/src/main" "$root/agent/api/src/main" "$root/exporters/src/main" "$root/exporters/src/test" \
            "$bench/src" \
            -newer "$jar" -type f -print -quit 2>/dev/null)" ]
}

case "${1:-}" in -h|--help|help) sed -n '2,17p' "$0"; exit 0 ;; esac

if [ "${VIGIL_BENCH_NO_BUILD:-0}" != 1 ] && needs_build; then
  # package, not install: the classpath file names the reactor's own jars, ~/.m2 stays untouched
  echo "== building (mvn -B -q -pl bench -am package -DskipTests) ==" >&2
  (cd "$root" && mvn -B -q -pl bench -am package -DskipTests)
fi

java_bin=java
[ -n "${JAVA_HOME:-}" ] && java_bin=$JAVA_HOME/bin/java
# shellcheck disable=SC2206
opts=(${VIGIL_BENCH_JAVA_OPTS:--XX:+UseSerialGC -Xms64m -Xmx512m})
cp="$jar:$(cat "$cpfile")"
jvm=("$java_bin" "${opts[@]}" -Dvigil.bench.workloads="$bench/target/workloads" -cp "$cp")

need_root() {
  if [ "$(id -u)" != 0 ]; then
    echo "bench/run.sh $1: loads BPF programs, run it as root (sudo)" >&2
    exit 2
  fi
}

what=${1:-all}
[ $# -gt 0 ] && shift
case "$what" in
  exec)     need_root exec;     exec "${jvm[@]}" io.vigil.bench.ExecLoopBench "$@" ;;
  pipeline) need_root pipeline; exec "${jvm[@]}" io.vigil.bench.PipelineBench "$@" ;;
  open)     need_root open;     exec "${jvm[@]}" io.vigil.bench.OpenLoopBench "$@" ;;
  kill)     need_root kill;     exec "${jvm[@]}" io.vigil.bench.KillLatencyBench "$@" ;;
  jmh)      exec "${jvm[@]}" org.openjdk.jmh.Main DecodeEnrichJsonBench "$@" ;;
  file)     exec "${jvm[@]}" io.vigil.bench.FileExportBench "$@" ;;
  # the Elasticsearch node runs from the jars the exporters build copies into exporters/target/es-home
  export)   exec "${jvm[@]}" -Dvigil.es.home="$root/exporters/target/es-home" io.vigil.bench.export.ExportBench "$@" ;;
  fanotify) need_root fanotify; exec "${jvm[@]}" io.vigil.enforcement.fanotify.bench.OpenLatencyBench "$@" ;;
  asset)
    need_root asset
    # The JVM removes its namespace, pins and processes itself (also on SIGINT/SIGTERM); this covers
    # a JVM that was killed: what runs in its namespace is killed by pid, then the rest is removed.
    stats_was=$(cat /proc/sys/kernel/bpf_stats_enabled 2>/dev/null || echo 0)
    asset_cleanup() {
      echo "$stats_was" > /proc/sys/kernel/bpf_stats_enabled 2>/dev/null || true
      for p in $(ip netns pids vigil-bench-asset 2>/dev/null); do kill -9 "$p" 2>/dev/null || true; done
      ip netns del vigil-bench-asset 2>/dev/null || true
      ip link del vbah0 2>/dev/null || true
      rm -rf /sys/fs/bpf/vigil-bench-asset
    }
    trap asset_cleanup EXIT
    "${jvm[@]}" io.vigil.bench.asset.AssetGuardBench "$@" ;;
  all)
    need_root all
    rc=0
    echo "===== ExecLoopBench =====";         "${jvm[@]}" io.vigil.bench.ExecLoopBench || rc=1
    echo; echo "===== PipelineBench =====";   "${jvm[@]}" io.vigil.bench.PipelineBench || rc=1
    echo; echo "===== OpenLoopBench =====";   "${jvm[@]}" io.vigil.bench.OpenLoopBench || rc=1
    echo; echo "===== DecodeEnrichJsonBench (JMH) ====="; "${jvm[@]}" org.openjdk.jmh.Main DecodeEnrichJsonBench || rc=1
    echo; echo "===== FileExportBench =====";  "${jvm[@]}" io.vigil.bench.FileExportBench || rc=1
    exit $rc ;;
  *) echo "unknown benchmark '$what' (all, exec, pipeline, open, jmh, file, export, fanotify, asset)" >&2; exit 2 ;;
esac

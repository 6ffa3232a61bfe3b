#!/usr/bin/env bash
# Runs the kernel tests (JUnit tag "kernel") of kprobe-bpf and agent inside QEMU on Debian's
# distro kernels, once per backend those kernels offer (kprobe, fentry), so that the variants the
# host kernel refuses are tested for real. Called by bin/test after `mvn verify` built everything.
#
# Env: VIGIL_VM_KERNELS (default: "6.1.0-56-amd64 6.12.117+deb12-amd64"),
#      VIGIL_VM_BACKENDS (default: "kprobe fentry"), VIGIL_VM_TIMEOUT (seconds per run, default 2700).
# Under software emulation the two long families run on one kernel and backend each, so that the
# four runs fit CI's time: tag vm-features (every argument type and operator through YAML) on
# VIGIL_VM_FEATURES_RUN, tag vm-enforce (10,000-attempt deny tests, fanotify, netns) on
# VIGIL_VM_ENFORCE_RUN; the host runs both in full.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
kernels=${VIGIL_VM_KERNELS:-"6.1.0-56-amd64 6.12.117+deb12-amd64"}
backends=${VIGIL_VM_BACKENDS:-"kprobe fentry"}
timeout=${VIGIL_VM_TIMEOUT:-2700}   # the run with the features family takes ~20 min under emulation
features_run=${VIGIL_VM_FEATURES_RUN:-"6.12.117+deb12-amd64/fentry"}
enforce_run=${VIGIL_VM_ENFORCE_RUN:-"6.1.0-56-amd64/kprobe"}
junit_version=1.14.1

cd "$root"
"$here/fetch-kernels.sh" $kernels || exit 1

# Everything the guest needs is on the host's filesystem, shared read-only: the built classes and
# the test classpath. The classpath must name this build's module jars, not copies in ~/.m2 that an
# older `mvn install` left: it comes from the same Maven session that packaged them (bin/test writes
# it with `mvn verify`; standalone, this script packages and writes it).
work=$root/target/vm-tests
mkdir -p "$work"
cpfile=$root/agent/target/test-classpath.txt
if [ ! -s "$cpfile" ] || [ -n "$(find "$root/agent/target/classes" -newer "$cpfile" -print -quit 2>/dev/null)" ]; then
  mvn -B -q -pl agent -am package -DskipTests dependency:build-classpath -Dmdep.includeScope=test \
    -Dmdep.outputFile=target/test-classpath.txt || exit 1
fi
mvn -B -q dependency:copy -Dartifact=org.junit.platform:junit-platform-console-standalone:$junit_version \
  -DoutputDirectory="$work" -Dmdep.stripVersion=true || exit 1
cp="$root/agent/target/test-classes:$root/agent/target/classes:$root/kprobe-bpf/target/test-classes:$root/kprobe-bpf/target/classes:$(cat "$cpfile")"

fail=0
counts=$work/counts   # "passed failed" per run, summed by bin/test
: > "$counts"
for k in $kernels; do
  for b in $backends; do
    echo "== kernel tests on $k, backend $b ==" >&2
    log=$work/run-$k-$b.log
    only_here=()
    [ "$k/$b" = "$features_run" ] || only_here+=(--exclude-tag vm-features)
    [ "$k/$b" = "$enforce_run" ] || only_here+=(--exclude-tag vm-enforce)
    echo "   (tags left out of this run: ${only_here[*]:-none})" >&2
    if ! "$here/run-in-vm.sh" "$k" --timeout "$timeout" -- \
        java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Dvigil.test.backend="$b" -Dvigil.test.vm=true -Dvigil.fanotify.decision.ms=20000 \
        -jar "$work/junit-platform-console-standalone.jar" execute \
        --class-path "$cp" --scan-class-path "$root/agent/target/test-classes:$root/kprobe-bpf/target/test-classes" \
        --include-tag kernel --exclude-tag host-only "${only_here[@]}" --details=summary --disable-banner 2>&1 | tee "$log"; then
      echo "!! kernel tests FAILED on $k with backend $b" >&2
      fail=1
    fi
    ok=$(sed -n 's/^\[ *\([0-9]*\) tests successful.*/\1/p' "$log" | tail -1)
    bad=$(sed -n 's/^\[ *\([0-9]*\) tests failed.*/\1/p' "$log" | tail -1)
    echo "${ok:-0} ${bad:-1}" >> "$counts"
  done
done
exit $fail

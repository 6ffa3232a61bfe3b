#!/usr/bin/env bash
# Compiles every sensor (src/main/bpf/*.c, one object per file) into OUT/*.bpf.o.
# vmlinux.h comes from the running kernel's BTF when bpftool and /sys/kernel/btf/vmlinux are
# there, else from the committed fallback (generated from a 6.18 kernel; CO-RE relocates it).
# Called by Maven (kprobe-bpf/pom.xml, generate-resources) with OUT and GEN directories.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=${1:-$here/target/classes/bpf}
gen=${2:-$here/target/generated-bpf}
src=$here/src/main/bpf
mkdir -p "$out" "$gen"

clang_bin=""
for c in clang clang-19 clang-14; do command -v "$c" >/dev/null && { clang_bin=$c; break; }; done
[ -n "$clang_bin" ] || { echo "build-bpf.sh: clang not found: apt-get install clang llvm libbpf-dev bpftool" >&2; exit 1; }
[ -f /usr/include/bpf/bpf_helpers.h ] || { echo "build-bpf.sh: libbpf headers missing: apt-get install libbpf-dev" >&2; exit 1; }

if command -v bpftool >/dev/null && [ -r /sys/kernel/btf/vmlinux ] \
   && bpftool btf dump file /sys/kernel/btf/vmlinux format c > "$gen/vmlinux.h.tmp" 2>/dev/null; then
  mv "$gen/vmlinux.h.tmp" "$gen/vmlinux.h"
else
  echo "build-bpf.sh: no kernel BTF or bpftool; using the committed fallback vmlinux.h" >&2
  cp "$src/include/vmlinux-fallback.h" "$gen/vmlinux.h"
fi

arch=$(uname -m); case "$arch" in x86_64) tarch=x86;; aarch64) tarch=arm64;; *) tarch=$arch;; esac
for f in "$src"/*.c; do
  name=$(basename "$f" .c)
  "$clang_bin" -g -O2 -Wall -Wno-unused-function -target bpf -D__TARGET_ARCH_$tarch \
    -I"$gen" -I"$src/lib" -I"$src" -c "$f" -o "$out/$name.bpf.o"
done
echo "build-bpf.sh: built $(ls "$out"/*.bpf.o | wc -l) objects into $out"

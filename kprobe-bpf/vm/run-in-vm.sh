#!/usr/bin/env bash
# Runs COMMAND as root inside a QEMU (TCG) VM booted from a Debian distro kernel prepared by
# fetch-kernels.sh. The guest sees the host's / read-only (9p) under a tmpfs overlay, so writes
# inside the VM are discarded, except under --rw DIRs (host directories shared read-write at the
# same path). COMMAND runs in the caller's cwd with the caller's PATH and JAVA_HOME (plus
# VIGIL_IN_VM=1, VIGIL_VM_KERNEL); its stdout/stderr stream live to ours; we exit with its code.
#
# Usage: run-in-vm.sh KERNEL_VERSION [options] -- COMMAND [ARG...]
#   --timeout SECONDS   wall-clock limit for the whole run, boot included (default 900); on expiry
#                       qemu is killed and we exit 124
#   --rw DIR            make host DIR writable in the guest at the same path (repeatable)
#   --smp N / --mem SIZE  guest CPUs (default 2; 1 for 6.12, see README) / memory (default 2G)
#   --env NAME          pass the caller's NAME into the guest too (repeatable)
#   --console           copy the guest kernel console to stderr, live
# KERNEL_VERSION: a directory name in the cache (e.g. 6.1.0-56-amd64) or a unique version prefix
# (6.1, 6.12).
# Exit codes: COMMAND's; 124 timeout; 125 VM failure (boot failed twice, or VM died mid-command);
# 2 usage. Env: VIGIL_VM_CACHE (cache dir), VIGIL_VM_BOOT_TIMEOUT (s until the command must have
# started before the boot is retried, default 120), VIGIL_VM_KEEP=1 (keep the run directory),
# VIGIL_VM_APPEND (extra kernel command line), VIGIL_VM_ROOT_CACHE (9p cache mode of the host
# root, default loose: host files changed during a run may look stale in the guest).
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
cache=${VIGIL_VM_CACHE:-$repo/.vm-cache}
boot_timeout=${VIGIL_VM_BOOT_TIMEOUT:-120}

say() { echo "run-in-vm: $*" >&2; }
usage() { sed -n '/^# Usage:/,/^set -uo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//' >&2; exit 2; }

[ $# -ge 1 ] || usage
kernel=$1; shift
timeout=900 smp="" mem=2G console=0
rw_dirs=() env_names=()
while [ $# -gt 0 ]; do
  case $1 in
    --timeout) timeout=${2:?}; shift 2 ;;
    --rw) rw_dirs+=("$(realpath -e "${2:?}")") || { say "no such directory: $2"; exit 2; }; shift 2 ;;
    --smp) smp=${2:?}; shift 2 ;;
    --mem) mem=${2:?}; shift 2 ;;
    --env) env_names+=("${2:?}"); shift 2 ;;
    --console) console=1; shift ;;
    --) shift; break ;;
    -h|--help) usage ;;
    *) say "unknown option $1"; usage ;;
  esac
done
[ $# -ge 1 ] || { say "no command given"; usage; }
[[ $timeout =~ ^[0-9]+$ ]] || { say "--timeout wants whole seconds"; exit 2; }

# --- kernel ----------------------------------------------------------------------------------
kdir=$cache/$kernel
if [ ! -d "$kdir" ]; then
  matches=()
  for d in "$cache/$kernel".*/ "$cache/$kernel"-*/ "$cache/$kernel"+*/; do
    [ -s "$d/vmlinux" ] && matches+=("${d%/}")
  done
  if [ ${#matches[@]} -eq 1 ]; then kdir=${matches[0]}
  elif [ ${#matches[@]} -gt 1 ]; then say "kernel '$kernel' is ambiguous: ${matches[*]##*/}"; exit 2
  else
    say "kernel $kernel not in $cache; fetching it"
    "$here/fetch-kernels.sh" "$kernel" >&2 || exit 125
  fi
fi
kernel=${kdir##*/}
stamp=$(sha256sum "$here/fetch-kernels.sh" | cut -c1-16)
if [ ! -s "$kdir/vmlinux" ] || [ ! -s "$kdir/initramfs.gz" ] \
   || [ "$(cat "$kdir/initramfs.stamp" 2>/dev/null)" != "$stamp" ]; then
  say "$kernel: cache missing or older than fetch-kernels.sh; rebuilding"
  "$here/fetch-kernels.sh" "$kernel" >&2 || exit 125
fi
# 6.12 with 2 vCPUs under multi-threaded TCG occasionally oopses while patching kernel text
# (see README); one vCPU avoids it.
if [ -z "$smp" ]; then case $kernel in 6.1.*) smp=2 ;; *) smp=1 ;; esac; fi

# --- run directory (shared read-write with the guest, mounted there at the same path) --------
cwd=$(pwd -P)
case $cwd/ in /proc/*|/sys/*|/dev/*) say "cwd $cwd is not visible in the guest"; exit 2 ;; esac
run=$(mktemp -d "${TMPDIR:-/tmp}/vigil-vm.XXXXXX") || exit 125
chmod 755 "$run"
qpid="" cat_pids=()
cleanup() {
  [ -n "$qpid" ] && kill -KILL "$qpid" 2>/dev/null && wait "$qpid" 2>/dev/null
  for f in "$run"/out.out "$run"/err.out; do [ -p "$f" ] && : <> "$f"; done
  for p in "${cat_pids[@]}"; do wait "$p" 2>/dev/null; done
  [ "${VIGIL_VM_KEEP:-0}" = 1 ] && say "run directory kept: $run" || rm -rf "$run"
}
trap cleanup EXIT
trap 'say "interrupted"; exit 130' INT
trap 'exit 143' TERM

q() { printf "'%s'" "$(printf '%s' "$1" | sed "s/'/'\\\\''/g")"; }   # POSIX sh quoting
{
  echo "cd $(q "$cwd") || exit 126"
  echo "export HOME=/root USER=root LOGNAME=root TERM=dumb VIGIL_IN_VM=1"
  echo "export VIGIL_VM_KERNEL=$(q "$kernel")"
  echo "export PATH=$(q "$PATH")"
  [ -n "${JAVA_HOME:-}" ] && echo "export JAVA_HOME=$(q "$JAVA_HOME")"
  [ -n "${LANG:-}" ] && echo "export LANG=$(q "$LANG")"
  for n in "${env_names[@]}"; do [ -n "${!n+x}" ] && echo "export $n=$(q "${!n}")"; done
  printf 'exec'; for a in "$@"; do printf ' %s' "$(q "$a")"; done; echo
} > "$run/cmd.sh"
{
  echo "RUN=$(q "$run")"
  echo "ROOT_CACHE=${VIGIL_VM_ROOT_CACHE:-loose}"
  printf 'RW_SHARES="'; i=0
  for d in "${rw_dirs[@]}"; do printf 'rw%d %s\n' $i "$d"; i=$((i + 1)); done
  echo '"'
} > "$run/guest.conf"

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }

# --- one boot ---------------------------------------------------------------------------------
# Sets: outcome = done | timeout | boot-failed | died; t_boot, t_start, t_end
boot() {
  rm -f "$run"/started "$run"/rc "$run"/init-error "$run"/console.log "$run"/*.in "$run"/*.out
  local ch
  for ch in out err; do mkfifo "$run/$ch.in" "$run/$ch.out"; done
  # If our stdout/stderr goes away (e.g. `| head`), keep draining so the guest never blocks.
  ( trap '' PIPE; exec 3< "$run/out.out"; cat <&3 2>/dev/null || cat <&3 > /dev/null ) & cat_pids+=($!)
  ( trap '' PIPE; exec 3< "$run/err.out"; cat <&3 >&2 2>/dev/null || cat <&3 > /dev/null ) & cat_pids+=($!)
  local -a args=(
    -accel tcg,thread=multi -cpu max -m "$mem" -smp "$smp" -machine pc -nodefaults
    -display none -nic none -no-reboot
    -kernel "$kdir/vmlinux" -initrd "$kdir/initramfs.gz"
    -append "console=ttyS0 quiet loglevel=4 panic=-1 oops=panic ${VIGIL_VM_APPEND:-}"
    -serial "file:$run/console.log"
    -virtfs "local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap"
    -virtfs "local,path=$run,mount_tag=vigilrun,security_model=none,multidevs=remap"
    -device virtio-serial-pci
    -chardev "pipe,id=out,path=$run/out" -device virtserialport,chardev=out,name=vigil.stdout
    -chardev "pipe,id=err,path=$run/err" -device virtserialport,chardev=err,name=vigil.stderr
  )
  local i=0 d
  for d in "${rw_dirs[@]}"; do
    args+=(-virtfs "local,path=$d,mount_tag=rw$i,security_model=none,multidevs=remap"); i=$((i + 1))
  done
  t_boot=$(now); t_start="" t_end=""
  qemu-system-x86_64 "${args[@]}" < /dev/null > "$run/qemu.log" 2>&1 &
  qpid=$!
  local tail_pid=""
  if [ "$console" = 1 ]; then
    touch "$run/console.log"; tail -n +1 -f --pid="$qpid" "$run/console.log" >&2 & tail_pid=$!
  fi
  outcome=""
  while kill -0 "$qpid" 2>/dev/null; do
    local t; t=$(now)
    if [ -z "$t_start" ] && [ -e "$run/started" ]; then t_start=$t; fi
    if awk -v a="$t0" -v b="$t" -v l="$timeout" 'BEGIN { exit !(b - a >= l) }'; then
      outcome=timeout; break
    fi
    if [ -z "$t_start" ] && awk -v a="$t_boot" -v b="$t" -v l="$boot_timeout" 'BEGIN { exit !(b - a >= l) }'; then
      outcome=boot-failed; say "boot did not reach the command within ${boot_timeout}s"; break
    fi
    sleep 0.1
  done
  t_end=$(now)
  kill -KILL "$qpid" 2>/dev/null; wait "$qpid" 2>/dev/null; qpid=""
  [ -n "$tail_pid" ] && { kill "$tail_pid" 2>/dev/null; wait "$tail_pid" 2>/dev/null; }
  for ch in out err; do : <> "$run/$ch.out"; done   # unblocks a reader if qemu never opened it
  for d in "${cat_pids[@]}"; do wait "$d" 2>/dev/null; done; cat_pids=()
  [ -z "$t_start" ] && [ -e "$run/started" ] && t_start=$t_end
  if [ -z "$outcome" ]; then
    if [ -e "$run/rc" ]; then outcome=done
    elif [ -n "$t_start" ]; then outcome=died
    else outcome=boot-failed
    fi
  fi
}

show_failure() {
  [ -s "$run/init-error" ] && say "guest init: $(cat "$run/init-error")"
  [ -s "$run/qemu.log" ] && { say "qemu output:"; tail -n 20 "$run/qemu.log" >&2; }
  if [ -s "$run/console.log" ] && [ "$console" = 0 ]; then
    # from the first oops/panic if there is one, else the tail
    if grep -qE 'BUG:|Oops|Kernel panic|general protection|WARNING:' "$run/console.log"; then
      say "kernel console from the first error:"
      awk '/BUG:|Oops|Kernel panic|general protection|WARNING:/ { f = 1 } f' "$run/console.log" \
        | head -n 60 | tr -d '\r' >&2
    else
      say "last kernel console lines:"; tail -n 40 "$run/console.log" | tr -d '\r' >&2
    fi
  fi
}

t0=$(now)
attempt=1
boot
if [ "$outcome" = boot-failed ]; then
  say "boot failed (attempt 1); retrying"
  show_failure
  attempt=2
  boot
fi

case $outcome in
  done) rc=$(cat "$run/rc"); [[ $rc =~ ^[0-9]+$ ]] || rc=125 ;;
  timeout) rc=124; say "timeout after ${timeout}s; VM killed" ;;
  died) rc=125; say "VM died while the command was running"; show_failure ;;
  *) rc=125; say "VM failed to boot"; show_failure ;;
esac
if [ -n "$t_start" ]; then
  bt=$(elapsed "$t_boot" "$t_start")s ct=$(elapsed "$t_start" "$t_end")s
else
  bt="-" ct="-"
fi
say "kernel=$kernel boot=$bt command=$ct exit=$rc total=$(elapsed "$t0" "$(now)")s smp=$smp attempts=$attempt"
exit "$rc"

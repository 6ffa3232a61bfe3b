#!/usr/bin/env bash
# Fetches Debian distro kernels and prepares them for run-in-vm.sh:
#   CACHE/debs/<pkg>.deb            apt-get download
#   CACHE/<kver>/vmlinux            uncompressed ELF (booted via PVH, faster than bzImage under TCG)
#   CACHE/<kver>/vmlinuz, config, System.map
#   CACHE/<kver>/initramfs.gz       busybox-static + this kernel's virtio/9p/overlay modules + /init
# CACHE is $VIGIL_VM_CACHE, else <repo>/.vm-cache (git-ignored). Idempotent: finished steps are
# skipped; the initramfs is rebuilt when this script changes (stamp = its sha256; run-in-vm.sh
# checks the stamp and calls us when it is stale).
# Usage: fetch-kernels.sh [KERNEL_VERSION...]   (default: 6.1.0-56-amd64 6.12.117+deb12-amd64)
set -euo pipefail
export LC_ALL=C

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
cache=${VIGIL_VM_CACHE:-$repo/.vm-cache}
kernels=("$@")
[ ${#kernels[@]} -gt 0 ] || kernels=(6.1.0-56-amd64 6.12.117+deb12-amd64)
# Root modules the /init needs; their dependencies are resolved from each .ko's "depends=".
root_modules=(virtio_pci virtio_console 9pnet_virtio 9p overlay veth)   # veth: network-namespace peers of the enforcement tests
stamp=$(sha256sum "$0" | cut -c1-16)

log() { echo "fetch-kernels: $*" >&2; }
die() { log "error: $*"; exit 1; }

need_tool() { command -v "$1" >/dev/null || die "$1 not found (apt-get install $2)"; }
need_tool dpkg-deb dpkg
need_tool readelf binutils
if [ ! -x /bin/busybox ] || ! /bin/busybox --list | grep -x insmod >/dev/null; then
  log "installing busybox-static"
  apt-get install -y busybox-static >&2 || die "could not install busybox-static"
fi
! readelf -l /bin/busybox 2>/dev/null | grep -q INTERP \
  || die "/bin/busybox is dynamically linked (apt-get install busybox-static)"
if command -v cpio >/dev/null; then cpio_cmd=(cpio); else cpio_cmd=(/bin/busybox cpio); fi

mkdir -p "$cache/debs"
exec 9> "$cache/.lock"; flock 9   # one fetch at a time (run-in-vm.sh may call us concurrently)

# --- download --------------------------------------------------------------------------------
download() {  # $1 = kernel version; prints the .deb path
  local pkg=linux-image-$1 deb
  deb=$(ls "$cache/debs/${pkg}_"*.deb 2>/dev/null | head -1 || true)
  if [ -z "$deb" ]; then
    if ! apt-cache show "$pkg" >/dev/null 2>&1; then
      log "$pkg unknown to apt; running apt-get update"
      apt-get update >&2 || true
      apt-cache show "$pkg" >/dev/null 2>&1 || die "$pkg not available (needs bookworm-security in apt sources)"
    fi
    log "downloading $pkg"
    # apt drops privileges to _apt for downloads; use a scratch dir it may write to.
    local tmp; tmp=$(mktemp -d "$cache/debs/.dl.XXXXXX"); chmod 777 "$tmp"
    (cd "$tmp" && apt-get download "$pkg" >&2) || { rm -rf "$tmp"; die "apt-get download $pkg failed"; }
    mv "$tmp"/*.deb "$cache/debs/"; rm -rf "$tmp"
    deb=$(ls "$cache/debs/${pkg}_"*.deb | head -1)
  fi
  echo "$deb"
}

# --- extract-vmlinux (same method as linux/scripts/extract-vmlinux) ---------------------------
# Find each compression magic in the bzImage, try to decompress from there, keep the first
# output that is a valid ELF.
extract_vmlinux() {  # $1 = vmlinuz, $2 = output
  local img=$1 out=$2 tmp=$2.tmp magic cmd off
  local -a methods=(
    '\x28\xb5\x2f\xfd|zstd -dc'
    '\xfd7zXZ\x00|xz -dc'
    '\x1f\x8b\x08|gzip -dc'
    'BZh|bzip2 -dc'
    '\x5d\x00\x00\x00|xz -dc --format=lzma'
    '\x02\x21\x4c\x18|lz4 -dc'
    '\x89\x4c\x5a\x4f|lzop -dc'
  )
  for m in "${methods[@]}"; do
    magic=${m%%|*}; cmd=${m#*|}
    command -v "${cmd%% *}" >/dev/null || continue
    for off in $(grep -obUaP "$magic" "$img" 2>/dev/null | cut -d: -f1); do
      tail -c +$((off + 1)) "$img" | $cmd > "$tmp" 2>/dev/null || true
      if [ -s "$tmp" ] && readelf -h "$tmp" >/dev/null 2>&1; then
        mv "$tmp" "$out"; return 0
      fi
    done
  done
  rm -f "$tmp"
  return 1
}

# --- module dependency resolution --------------------------------------------------------------
# Globals per kernel: moddir, builtin_list, kodir (decompressed .ko output), order (array)
find_ko() {  # $1 = module name -> path of .ko/.ko.xz/.ko.zst/.ko.gz (or empty)
  local n=$1 alt=${1//_/-}
  find "$moddir/kernel" \( -name "$n.ko" -o -name "$n.ko.*" -o -name "$alt.ko" -o -name "$alt.ko.*" \) \
    -print -quit
}
is_builtin() { grep -qE "/($1|${1//_/-})\.ko\$" "$builtin_list" 2>/dev/null; }
decompress_ko() {  # $1 = src, $2 = dst .ko
  case $1 in
    *.ko.xz) xz -dc "$1" > "$2" ;;
    *.ko.zst) zstd -qdc "$1" > "$2" ;;
    *.ko.gz) gzip -dc "$1" > "$2" ;;
    *.ko) cp "$1" "$2" ;;
    *) die "unknown module format: $1" ;;
  esac
}
declare -A visited
add_module() {  # depth-first: dependencies first
  local n=$1 src dep deps
  [ -z "${visited[$n]:-}" ] || return 0
  visited[$n]=1
  src=$(find_ko "$n")
  if [ -z "$src" ]; then
    is_builtin "$n" && return 0
    die "module $n: neither a module nor built in"
  fi
  decompress_ko "$src" "$kodir/$n.ko"
  deps=$(tr '\0' '\n' < "$kodir/$n.ko" | sed -n 's/^depends=//p' | head -1)
  for dep in ${deps//,/ }; do add_module "${dep//-/_}"; done
  order+=("$n")
}

# --- /init ---------------------------------------------------------------------------------------
write_init() {
  cat > "$1" <<'INIT'
#!/bin/busybox sh
# Vigil test VM init (generated by kprobe-bpf/vm/fetch-kernels.sh). Mounts the host root (9p,
# read-only) under a tmpfs overlay, mounts the run share, runs $RUN/cmd.sh chrooted, writes $RUN/rc.
export PATH=/bin
fail() { echo "vigil-init: $*" > /dev/console; [ -n "$RUNSHARE" ] && echo "$*" >> /share/init-error; poweroff -f; }
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
for m in $(cat /etc/modules.order); do insmod /lib/modules/$m.ko || fail "insmod $m failed"; done
opts=trans=virtio,version=9p2000.L,msize=262144
mount -t 9p -o $opts vigilrun /share || fail "cannot mount the run share"
RUNSHARE=1
. /share/guest.conf   # RUN, ROOT_CACHE, RW_SHARES ("tag path" lines)
mount -t 9p -o $opts,ro,cache=$ROOT_CACHE hostroot /lower || fail "cannot mount hostroot"
mount -t tmpfs -o mode=755 tmpfs /ovl && mkdir -p /ovl/upper /ovl/work
mount -t overlay overlay -o lowerdir=/lower,upperdir=/ovl/upper,workdir=/ovl/work /newroot \
  || fail "cannot mount the overlay"
r=/newroot
mount -t proc proc $r/proc
mount -t sysfs sysfs $r/sys
mount -t devtmpfs devtmpfs $r/dev
mkdir -p $r/dev/pts $r/dev/shm
mount -t devpts -o newinstance,ptmxmode=0666 devpts $r/dev/pts
mount -t tmpfs -o mode=1777 tmpfs $r/dev/shm
mount -t securityfs securityfs $r/sys/kernel/security
mount -t tracefs tracefs $r/sys/kernel/tracing
mount -t debugfs debugfs $r/sys/kernel/debug
mount -t bpf bpf $r/sys/fs/bpf
mount -t cgroup2 cgroup2 $r/sys/fs/cgroup
# mirror hosts that keep cgroup2 at /sys/fs/cgroup/unified (a bind of the same root; the
# "unified" directory it covers is an otherwise unused child cgroup)
mkdir -p $r/sys/fs/cgroup/unified && mount --bind $r/sys/fs/cgroup $r/sys/fs/cgroup/unified
mkdir -p "$r$RUN" && mount --bind /share "$r$RUN" || fail "cannot bind the run share to $RUN"
echo "$RW_SHARES" | while read -r tag path; do
  [ -n "$tag" ] || continue
  mkdir -p "$r$path" && mount -t 9p -o $opts "$tag" "$r$path" || fail "cannot mount $path"
done
port() { for p in /sys/class/virtio-ports/*; do [ "$(cat $p/name)" = "$1" ] && { echo /dev/${p##*/}; return; }; done; }
out=$(port vigil.stdout); err=$(port vigil.stderr)
[ -n "$out" ] && [ -n "$err" ] || fail "virtio console ports missing"
hostname vigil-vm
# no NIC (-nic none), but loopback must be up: otherwise every connect to 127.0.0.1 fails with
# ENETUNREACH in ip_route_connect, before tcp_connect, and tests of network hooks see nothing
ip link set lo up || fail "cannot bring up lo"
# the kernel's config where bpftool & co. look for it (the overlay's tmpfs takes the write)
mkdir -p $r/boot && cp /etc/kernel-config "$r/boot/config-$(uname -r)"
touch /share/started
chroot $r /bin/sh "$RUN/cmd.sh" < /dev/null > "$out" 2> "$err"
echo $? > /share/rc.tmp && mv /share/rc.tmp /share/rc
sync
poweroff -f
INIT
  chmod 755 "$1"
}

build_initramfs() {  # $1 = kernel dir, $2 = kernel version
  local kdir=$1 kver=$2 root
  root=$(mktemp -d "$kdir/.initramfs.XXXXXX")
  mkdir -p "$root"/{bin,dev,proc,sys,lower,ovl,newroot,share,etc,lib/modules}
  cp /bin/busybox "$root/bin/busybox"
  for a in $(/bin/busybox --list); do [ -e "$root/bin/$a" ] || ln -s busybox "$root/bin/$a"; done
  moddir=$kdir/pkg/lib/modules/$kver
  builtin_list=$moddir/modules.builtin
  kodir=$root/lib/modules
  order=(); visited=()
  for m in "${root_modules[@]}"; do add_module "$m"; done
  printf '%s\n' "${order[@]}" > "$root/etc/modules.order"
  cp "$kdir/config" "$root/etc/kernel-config"
  write_init "$root/init"
  (cd "$root" && find . -mindepth 1 | "${cpio_cmd[@]}" -o -H newc -R 0:0 2>/dev/null) | gzip -6 \
    > "$kdir/initramfs.gz.tmp"
  mv "$kdir/initramfs.gz.tmp" "$kdir/initramfs.gz"
  echo "$stamp" > "$kdir/initramfs.stamp"
  log "$kver: initramfs with modules: ${order[*]:-(all built in)}"
  rm -rf "$root"
}

for kver in "${kernels[@]}"; do
  kdir=$cache/$kver
  if [ -s "$kdir/vmlinux" ] && [ -s "$kdir/initramfs.gz" ] \
     && [ "$(cat "$kdir/initramfs.stamp" 2>/dev/null)" = "$stamp" ]; then
    log "$kver: up to date ($kdir)"; continue
  fi
  deb=$(download "$kver")
  mkdir -p "$kdir"
  if [ ! -d "$kdir/pkg/lib/modules/$kver" ]; then
    log "$kver: extracting $(basename "$deb")"
    rm -rf "$kdir/pkg.tmp"; dpkg-deb -x "$deb" "$kdir/pkg.tmp" && mv "$kdir/pkg.tmp" "$kdir/pkg"
  fi
  for f in vmlinuz config System.map; do
    [ -s "$kdir/$f" ] || cp "$kdir/pkg/boot/$f-$kver" "$kdir/$f"
  done
  if [ ! -s "$kdir/vmlinux" ]; then
    log "$kver: extracting vmlinux"
    extract_vmlinux "$kdir/vmlinuz" "$kdir/vmlinux" || die "$kver: no vmlinux found in vmlinuz"
  fi
  build_initramfs "$kdir" "$kver"
  rm -rf "$kdir/pkg"   # the .deb stays in $cache/debs for a rebuild
  log "$kver: ready ($kdir)"
done

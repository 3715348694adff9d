#!/bin/sh
# Build the vdistorm guest from files already on this machine (Debian packages
# linux-image-cloud-amd64 or linux-image-amd64, busybox-static, qemu-utils):
#   OUT/vmlinuz         the Debian kernel
#   OUT/initramfs.img   busybox + real/guest/init.sh + the virtio modules
#   OUT/base.qcow2      the golden disk: DISK_MB of incompressible data
# Usage: build-guest.sh OUT_DIR INIT_SCRIPT DISK_MB
# Nothing is downloaded.
set -eu
out=$1 init=$2 disk_mb=${3:-256}
die() { echo "build-guest: $*" >&2; exit 1; }
[ -f "$init" ] || die "$init: no such init script"
bb=$(command -v busybox) || die "busybox not found (apt-get install busybox-static)"
command -v qemu-img >/dev/null || die "qemu-img not found (apt-get install qemu-utils)"
# Prefer the cloud kernel (small, virtio friendly), else any Debian kernel.
kernel=$(ls -1 /boot/vmlinuz-*-cloud-amd64 2>/dev/null | sort -V | tail -1)
[ -n "$kernel" ] || kernel=$(ls -1 /boot/vmlinuz-* 2>/dev/null | sort -V | tail -1)
[ -n "$kernel" ] || die "no kernel in /boot (apt-get install linux-image-cloud-amd64)"
kver=${kernel#/boot/vmlinuz-}
moddir=/lib/modules/$kver/kernel/drivers
mkdir -p "$out"
tmp=$(mktemp -d "$out/.build.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
root=$tmp/root
mkdir -p "$root/bin" "$root/lib/modules" "$root/proc" "$root/sys" "$root/dev" "$root/tmp"
cp "$bb" "$root/bin/busybox"
ln -s busybox "$root/bin/sh"
cp "$init" "$root/init"
chmod 755 "$root/init"
# The virtio drivers, in dependency order (modprobe prints the insmod lines;
# "builtin" lines need nothing). The init loads them from lib/modules/order.
: > "$root/lib/modules/order"
for f in $(modprobe -a --show-depends -S "$kver" virtio_pci virtio_blk 2>/dev/null | awk '$1 == "insmod" {print $2}'); do
  n=$(basename "$f"); n=${n%.xz}; n=${n%.ko}
  grep -qx "$n" "$root/lib/modules/order" && continue
  case "$f" in
  *.xz) xz -dc "$f" > "$root/lib/modules/$n.ko" ;;
  *) cp "$f" "$root/lib/modules/$n.ko" ;;
  esac
  echo "$n" >> "$root/lib/modules/order"
done
(cd "$root" && find . | cpio -o -H newc --quiet) | gzip -1 > "$tmp/initramfs.img"
cp "$kernel" "$tmp/vmlinuz"
# Incompressible data, so that every guest read is a real read of the image
# (unallocated qcow2 clusters would read as zeros without touching the disk).
dd if=/dev/urandom of="$tmp/base.raw" bs=1M count="$disk_mb" status=none
qemu-img convert -q -f raw -O qcow2 "$tmp/base.raw" "$tmp/base.qcow2"
rm -f "$tmp/base.raw"
chmod 644 "$tmp/vmlinuz" "$tmp/initramfs.img" "$tmp/base.qcow2"
mv -f "$tmp/vmlinuz" "$tmp/initramfs.img" "$tmp/base.qcow2" "$out/"
echo "kernel=$kver" > "$out/guest.info"
echo "disk_mb=$disk_mb" >> "$out/guest.info"

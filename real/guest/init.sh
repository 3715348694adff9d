#!/bin/sh
# vdistorm guest init (PID 1 of a busybox initramfs).
#
# Boots like a desktop's OS, reduced to what matters for a boot storm: it
# reads a "boot working set" from its virtio disk (/dev/vda) in a boot-like
# pattern -- mostly random reads, some sequential runs -- interleaved with CPU
# work, then prints the ready marker with its own uptime on the serial console
# and idles (a ready desktop stays powered on).
#
# Kernel command line (set by vdistorm, all optional):
#   vdistorm.ws_kib=N   working set to read, KiB (default 65536)
#   vdistorm.chunk_kib=N read size, KiB (default 128)
#   vdistorm.cpu_mb=N   CPU work: MB hashed with md5sum, spread over the reads (default 0)
#   vdistorm.seq_pct=N  share of reads that continue sequentially (default 20)
#   vdistorm.probe=1    print the marker at once (used to probe KVM)
/bin/busybox mkdir -p /proc /sys /dev /tmp
/bin/busybox mount -t proc proc /proc
/bin/busybox mount -t sysfs sys /sys
/bin/busybox mount -t devtmpfs dev /dev 2>/dev/null
/bin/busybox --install -s /bin
export PATH=/bin

say() { echo "$*" > /dev/ttyS0; }
up() { cut -d' ' -f1 /proc/uptime; }

ws=65536 chunk=128 cpu=0 seq=20 probe=0
for a in $(cat /proc/cmdline); do
  case "$a" in
  vdistorm.ws_kib=*) ws=${a#*=} ;;
  vdistorm.chunk_kib=*) chunk=${a#*=} ;;
  vdistorm.cpu_mb=*) cpu=${a#*=} ;;
  vdistorm.seq_pct=*) seq=${a#*=} ;;
  vdistorm.probe=*) probe=${a#*=} ;;
  esac
done

idle() { while :; do sleep 3600; done; }

if [ "$probe" = 1 ]; then
  say "VDISTORM-READY uptime=$(up) probe"
  idle
fi

# The virtio drivers are modules in Debian's kernels; the image builder
# listed them in dependency order.
for m in $(cat /lib/modules/order 2>/dev/null); do
  insmod /lib/modules/$m.ko 2>/dev/null
done
i=0
while [ ! -b /dev/vda ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
if [ ! -b /dev/vda ]; then
  say "VDISTORM-FAIL no /dev/vda"
  idle
fi

size=$(blockdev --getsize64 /dev/vda)
blocks=$((size / (chunk * 1024)))
reads=$(( (ws + chunk - 1) / chunk ))
[ $reads -lt 1 ] && reads=1
[ $blocks -lt 1 ] && blocks=1
say "VDISTORM-START uptime=$(up) reads=$reads blocks=$blocks cpu_mb=$cpu"

# Same pseudo-random sequence in every VM: linked clones of one golden image
# read the same blocks, as desktops booting one OS do.
x=12345 b=0 done_cpu=0 r=0
while [ $r -lt $reads ]; do
  x=$(( (x * 1103515245 + 12345) % 2147483648 ))
  if [ $(( x % 100 )) -ge $seq ]; then b=$(( (x / 256) % blocks )); else b=$(( (b + 1) % blocks )); fi
  dd if=/dev/vda of=/dev/null bs=${chunk}k skip=$b count=1 iflag=direct 2>/dev/null ||
    dd if=/dev/vda of=/dev/null bs=${chunk}k skip=$b count=1 2>/dev/null
  r=$((r + 1))
  # CPU work spread evenly over the reads.
  want=$(( cpu * r / reads ))
  if [ $want -gt $done_cpu ]; then
    dd if=/dev/zero bs=1024k count=$((want - done_cpu)) 2>/dev/null | md5sum >/dev/null
    done_cpu=$want
  fi
done
say "VDISTORM-READY uptime=$(up)"
idle

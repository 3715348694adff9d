/* The reference the benchmark compares the engine with: a boot storm
 * written the straightforward SimGrid way. K actors, one per VM, each reads
 * its whole image (623 MB) from one shared disk in one request; no chunks,
 * no network, no CPU, no HDD concurrency curve, no sampling. It answers a
 * much smaller question than vdistorm does, and it is what a first model
 * would look like, so bench/run.sh measures how the engine's cost compares
 * with it at the same number of desktops.
 *
 *   vdistorm-naive K      prints "K ready after S s"
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <simgrid/actor.h>
#include <simgrid/disk.h>
#include <simgrid/engine.h>
#include <simgrid/host.h>

static sg_disk_t disk;
static double last_ready;

static void vm(int argc, char **argv)
{
  long i = strtol(argv[1], NULL, 10);
  double spread = fmod(0.5 + (double)i * 0.6180339887498949, 1.0); /* as the engine's jitter */
  sg_disk_read(disk, (sg_size_t)(623e6 * (1.0 + 0.02 * (2.0 * spread - 1.0))));
  last_ready = simgrid_get_clock();
}

int main(int argc, char **argv)
{
  long k = argc > 1 ? strtol(argv[1], NULL, 10) : 0;
  if (k < 1 || k > 1000000) {
    fprintf(stderr, "usage: vdistorm-naive K (1 .. 1000000 VMs)\n");
    return 2;
  }
  char path[] = "/tmp/vdistorm-naive-XXXXXX.xml";
  int fd = mkstemps(path, 4);
  FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
  if (!f) {
    perror("vdistorm-naive: platform file");
    return 1;
  }
  fprintf(f, "<?xml version='1.0'?>\n<!DOCTYPE platform SYSTEM \"https://simgrid.org/simgrid.dtd\">\n"
             "<platform version=\"4.1\"><zone id=\"z\" routing=\"Full\">\n"
             "<host id=\"nas\" speed=\"1Gf\"><disk id=\"hdd\" read_bw=\"10.9MBps\" write_bw=\"10.9MBps\"/></host>\n"
             "</zone></platform>\n");
  fclose(f);
  /* The same context settings as the engine, so that 50,000 actors fit. */
  char *args[] = {"vdistorm-naive", "--log=root.thres:critical", "--cfg=contexts/guard-size:0", NULL};
  int n = 3;
  simgrid_init(&n, args);
  simgrid_load_platform(path);
  unlink(path);
  sg_host_t nas = sg_host_by_name("nas");
  unsigned count;
  sg_disk_t *disks;
  sg_host_get_disks(nas, &count, &disks);
  disk = disks[0];
  free(disks);
  for (long i = 0; i < k; i++) {
    char name[32], id[24];
    snprintf(name, sizeof(name), "vm-%ld", i);
    snprintf(id, sizeof(id), "%ld", i);
    char *vm_args[] = {name, id, NULL};
    sg_actor_t a = sg_actor_init(name, nas);
    sg_actor_set_stacksize(a, 64 * 1024);
    sg_actor_start(a, vm, 2, vm_args);
  }
  simgrid_run();
  printf("%ld ready after %.1f s\n", k, last_ready);
  return 0;
}

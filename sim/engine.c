/* The boot-storm engine.
 *
 * A desktop boot is read chunk by chunk, as the story goes:
 *  - the storage side (the NAS, or the VM's own host for local disks) reads
 *    each chunk of the VM's image from the HDD holding it and sends it to the
 *    VM's host (over the NAS uplink and the host NIC);
 *  - the VM, on its compute host, processes each chunk as it arrives: host I/O
 *    handling (per byte), its share of the guest's boot work, and `busy_cpu`
 *    for as long as the chunk's read took (emulation, timers, a vCPU that
 *    spins while it waits). It is ready after the last chunk.
 * The storage side runs one chunk ahead of the VM (readahead), so disk,
 * network and CPU overlap and whichever saturates first slows the boots:
 * oversubscribed cores stretch the CPU part of every chunk, the next read
 * waits for the VM to take the chunk before, and the disk sees fewer
 * concurrent readers.
 *
 * Each boot is a single actor driving its three kinds of activities (a read
 * on the HDD, a transfer over the route, CPU work on the host) and waking
 * when any one ends (boot_pipe below): a site's 50,000 boots are 50,000
 * actors, with no mailbox between a reader and its VM. Per chunk that is
 * three activities and three wake-ups, the least the pipeline needs.
 *
 * SimGrid shares each disk, link and core max-min fairly. What SimGrid's disk
 * does not model is that an HDD's random-read throughput depends on how many
 * streams interleave (queueing helps a little, seeking between streams hurts
 * a lot): each read therefore costs read_bytes * peak/factor(readers) bytes
 * of disk time, where factor() is the scenario's concurrency curve and peak
 * its best point -- the extra bytes stand for seek time.
 *
 * Actors sleep until their start time; the controller samples once per
 * simulated second and skips idle stretches, so a day-long schedule costs
 * what its boots cost. */
#define _GNU_SOURCE /* qsort_r */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <simgrid/actor.h>
#include <simgrid/comm.h>
#include <simgrid/engine.h>
#include <simgrid/exec.h>
#include <simgrid/host.h>
#include <simgrid/link.h>
#include <simgrid/plugins/load.h>
#include <simgrid/semaphore.h>

#include "core/buf.h"
#include "core/error.h"
#include "core/interrupt.h"
#include "core/units.h"
#include "core/stats.h"
#include "core/sysinfo.h"
#include "scenario/placement.h"
#include "sim/sim.h"
#include "sim/sg_extra.h"
#include "sim/sim_internal.h"

/* Boot actors are shallow and a site runs 100,000 of them at once (a reader
 * and a VM per booting desktop). Their stacks are 64 KiB without guard pages:
 * guard pages cost two memory mappings per actor (Linux allows 65,536), and
 * stacks below glibc's mmap threshold come from the heap. The controller
 * (which runs whole commands) keeps SimGrid's default 8 MiB; SimGrid 3.32
 * crashes when a stack is raised above the default. */
#define VS_ACTOR_STACK (64 * 1024)
#define VS_BODY_STACK 0

typedef struct {
  sg_host_t disk; /* see platform.c: an HDD (or SSD) is a one-core host, 1 flop = 1 byte */
  sg_host_t owner;
  const vs_hdd_model *model; /* its read bandwidth and concurrency curve */
  double peak_Bps;           /* SimGrid's speed for it: the curve's best point */
  int readers;
  double inv_inflation_sum; /* sum over active reads of 1/inflation */
  double useful_bytes;      /* integrated up to last_t */
  double wait_integral;     /* of readers / factor(readers): how long one stream's read takes, relative */
  double last_t;
} sim_hdd;

/* Host CPU use, integrated exactly: every exec on a compute host is ours, and
 * SimGrid's CPU model gives a host min(cores x speed, sum of its execs'
 * caps), an exec being capped at one core and by its bound. (SimGrid 3.32's
 * host-load plugin keeps dangling pointers to cancelled execs, so we count.) */
typedef struct {
  int work;      /* running execs */
  double demand; /* sum of their caps, flops/s */
  double flops;  /* integrated up to last_t */
  double last_t;
} sim_cpu;

typedef struct sim_experiment sim_experiment;
typedef struct vs_sim vs_sim;

/* A read cache of the golden image (storage.cache), one per host or NAS and
 * desktop class, cold at the start of every experiment. Clones boot by
 * reading the same blocks in the same order, so block i is a boot's chunk
 * i. The first clone to need a block reads it (and holds the block's
 * `fill`); clones that need it meanwhile wait for that very read, as readers
 * of a page under I/O do; later ones hit. */
typedef enum { BLOCK_ABSENT, BLOCK_FILLING, BLOCK_PRESENT } block_state;
typedef struct {
  signed char state;
  sg_exec_t fill; /* FILLING: the read that brings it */
} cache_block;

typedef struct {
  cache_block *blocks; /* per cache: chunks + 1 */
  int n_blocks, n_caches;
  double *used_B;      /* per owner (host or NAS): bytes the cache holds */
  double peak_B;       /* most held at once, summed over owners */
  double held_B;
  double hit_B;        /* boot bytes served from a cache */
} sim_caches;
typedef struct {
  sim_experiment *e;
  vs_boot_req req;
  int dev;       /* the device its boot reads from (its HDD, or an SSD replica) */
  int cache;     /* its cache's index, or -1 */
  double read_B, cpu_work_f;
  double phase; /* 0..1: where its chunk boundaries fall */
  double started_s, ready_s;
  /* How long the disk took for the chunks in flight, by chunk number modulo
   * 4: the reader runs at most three chunks ahead of the VM. */
  double read_s[4];
} sim_vm;

struct sim_experiment {
  vs_sim *sim;
  sim_vm *vms;
  size_t *order; /* VM indices by start time */
  size_t n;
  double t0;
  vs_boot_limits limits;
  sg_sem_t slots; /* max_concurrent power-ons, or NULL */
  sg_sem_t *disk_slots; /* per disk, max_per_disk boots at once; NULL: no limit */
  int booting, ready, launched, peak_booting;
  double wall0;                    /* wall clock at its start */
  double read_B, disks_read0_B;    /* bytes its boots read; read by the disks before it */
  sim_pool *pool;                  /* the image pool beside it (sim/pool.c), or NULL */
};

struct vs_sim {
  const vs_scenario *sc;
  vs_sim_options opts;
  vs_backend backend;
  vs_backend_fn study;
  void *payload;
  int study_rc;
  sg_host_t *hosts;
  sim_cpu *cpus;
  sim_hdd *disks;
  int n_disks;
  sg_link_t *links;
  int n_links;
  sim_caches caches;
};

static int cache_index(const vs_sim *sim, const vs_boot_req *req);
static void caches_reset(vs_sim *sim);
static void caches_report(const vs_sim *sim, vs_boot_result *r);

/* ---- the HDD: SimGrid's disk plus the seek penalty of interleaved streams ---- */

static void hdd_advance(const vs_sim *sim, sim_hdd *d)
{
  double now = simgrid_get_clock();
  (void)sim;
  if (d->readers > 0) {
    d->useful_bytes += (now - d->last_t) * d->peak_Bps * d->inv_inflation_sum / d->readers;
    d->wait_integral += (now - d->last_t) * d->readers / vs_scenario_hdd_factor(d->model, d->readers);
  }
  d->last_t = now;
}

/* Disk time per useful byte with `readers` interleaved streams. */
static double hdd_inflation(const sim_hdd *d, int readers)
{
  return d->peak_Bps / (d->model->read_Bps * vs_scenario_hdd_factor(d->model, readers));
}

/* A read of `bytes` on the HDD starts: it costs more disk time the more
 * readers interleave (fixed when it starts). *inflation is for hdd_read_end. */
static sg_exec_t hdd_read_start(const vs_sim *sim, sim_hdd *d, double bytes, double *inflation)
{
  hdd_advance(sim, d);
  d->readers++;
  *inflation = hdd_inflation(d, d->readers);
  d->inv_inflation_sum += 1.0 / *inflation;
  sg_exec_t read = sg_actor_exec_init(bytes * *inflation);
  sg_exec_set_host(read, d->disk);
  sg_exec_start(read);
  return read;
}

static void hdd_read_end(const vs_sim *sim, sim_hdd *d, double inflation)
{
  hdd_advance(sim, d);
  d->readers--;
  d->inv_inflation_sum = d->readers ? d->inv_inflation_sum - 1.0 / inflation : 0.0;
}

/* ---- host CPU accounting ---- */

static void cpu_advance(const vs_sim *sim, sim_cpu *c)
{
  const vs_scenario *sc = sim->sc;
  double now = simgrid_get_clock();
  c->flops += (now - c->last_t) * fmin(c->demand, sc->hosts.cores * sc->hosts.core_fps);
  c->last_t = now;
}

static void cpu_change(const vs_sim *sim, int host, int dwork, double cap)
{
  sim_cpu *c = &sim->cpus[host];
  cpu_advance(sim, c);
  c->work += dwork;
  c->demand = c->work ? c->demand + dwork * cap : 0.0; /* reset: no float drift when idle */
}

/* One thread's work on a host: `flops` at no more than `bound` flops/s,
 * sharing the host's cores with every other exec there (max-min), never
 * faster than one core. */
static sg_exec_t cpu_start(const vs_sim *sim, int host, double flops, double bound, double *cap)
{
  sg_exec_t exec = sg_actor_exec_init(flops);
  *cap = fmin(bound, sim->sc->hosts.core_fps);
  if (bound < sim->sc->hosts.core_fps)
    sg_exec_set_bound(exec, bound);
  sg_exec_start(exec);
  cpu_change(sim, host, +1, *cap);
  return exec;
}

/* A chunk's CPU work on the VM's host starts: split over the threads that
 * a booting VM keeps busy at once (boot.cpu_threads: its working vCPUs and
 * QEMU's I/O thread; a fraction is a thread that is busy part of the time),
 * each at most one core, spread over `spread_s` when given (a steady load
 * while the next chunk is read). The CPU they use is counted until each one
 * ends (cpu_change). Returns how many execs were started. */
static int cpu_work_start(const vs_sim *sim, int host, double flops, double threads, double spread_s,
                          sg_exec_t *execs, double *caps)
{
  int n = 0, whole = (int)ceil(threads - 1e-9);
  if (flops <= 0)
    return 0;
  for (int t = 0; t < whole && t < VS_MAX_CPU_THREADS; t++) {
    double share = t + 1 < whole ? 1.0 : threads - (whole - 1); /* the last may be part of a thread */
    double f = flops * share / threads;
    execs[n] = cpu_start(sim, host, f, spread_s > 0 ? f / spread_s : share * sim->sc->hosts.core_fps, &caps[n]);
    n++;
  }
  return n;
}

/* ---- actors ---- */

static void start_actor(const char *name, sg_host_t host, void (*code)(int, char **), void *data,
                        unsigned stack)
{
  sg_actor_t a = sg_actor_init(name, host);
  sg_actor_set_data(a, data);
  if (stack)
    sg_actor_set_stacksize(a, stack);
  sg_actor_start_(a, code, 0, NULL);
}

/* A boot is read in `chunks` equal pieces, shifted by the VM's phase: the
 * first piece is phase x a chunk and the last the remainder, so VMs booting
 * together reach their chunk boundaries (and CPU bursts) at different times,
 * as real boots issuing small requests do. */
static const vs_boot_profile *profile(const sim_vm *vm) { return &vm->e->sim->sc->classes[vm->req.cls].boot; }

static int n_chunks(const sim_vm *vm) { return profile(vm)->chunks + 1; }

static double chunk_bytes(const sim_vm *vm, int i)
{
  int chunks = profile(vm)->chunks;
  double base = vm->read_B / chunks, head = base * vm->phase;
  if (i == 0)
    return head;
  if (i == chunks)
    return vm->read_B - head - base * (chunks - 1);
  return base;
}

static sg_host_t storage_host(const vs_sim *sim, const sim_vm *vm)
{
  return sim->disks[vm->dev].owner;
}

/* Where one boot's pipeline stands. Chunk i goes through four steps:
 *  - read: the storage side reads it from the HDD once it has handed
 *    chunk i-1 over (it reads one chunk ahead of the transfers);
 *  - handed over: once read and once chunk i-1 has arrived (one transfer
 *    at a time);
 *  - transfer to the VM's host (NAS uplink, host NIC): once handed over
 *    and once the VM has asked for it;
 *  - work on the VM's host: once it arrived and the VM finished chunk i-1.
 *    The VM asks for chunk i+1 as it starts on chunk i (readahead), so the
 *    next transfer overlaps the work, as a guest's block layer does.
 * Each boot is one actor waiting on whichever of its activities ends first
 * (a read, a transfer, its CPU work): no mailbox, no second actor. */
typedef struct {
  int n;          /* chunks */
  int read_next;  /* the chunk the storage side reads next */
  int have;       /* a chunk read but not yet handed over, or -1 */
  int handed;     /* chunks handed over */
  int to_send;    /* a chunk handed over, waiting for the VM to ask, or -1 */
  int arrived;    /* chunks that reached the VM's host */
  int asked;      /* chunks the VM asked for */
  int worked;     /* chunks the VM finished working on */
  double inflation, read_t0;
  sg_exec_t read; /* in flight, or NULL */
  int waiting;    /* `read` is another clone's read of the same cached block */
  int read_dev;   /* the device `read` is on */
  signed char via[4]; /* by chunk modulo 4: how it is read (VIA_*) */
  sg_comm_t send; /* in flight, or NULL */
  sg_exec_t cpu[VS_MAX_CPU_THREADS];
  double cpu_cap[VS_MAX_CPU_THREADS];
  int n_cpu;      /* CPU execs in flight for chunk `worked` */
} boot_pipe;

/* How a chunk is read: from the disk with no cache involved, from the disk
 * into the cache (this clone fills the block), or from the cache (a hit, or
 * waiting for the clone that fills it). */
enum { VIA_DISK, VIA_FILL, VIA_CACHE };

static cache_block *cache_block_of(const sim_vm *vm, int chunk)
{
  const sim_caches *c = &vm->e->sim->caches;
  return vm->cache >= 0 && chunk < c->n_blocks ? &c->blocks[(size_t)vm->cache * (size_t)c->n_blocks + (size_t)chunk] : NULL;
}

/* The bytes its cache's owner (a host or a NAS) holds. */
static double *cache_used(const sim_vm *vm)
{
  const vs_sim *sim = vm->e->sim;
  return &sim->caches.used_B[vm->cache / (int)sim->sc->n_classes];
}

/* Where a cache's miss is read from. A host cache is fed from one replica of
 * the golden image: the NAS keeps one on each HDD (a datastore each, as
 * VMware keeps a replica per datastore) and hosts are spread over them, so
 * that two hosts' caches do not fill from the same HDD while another idles.
 * A NAS cache (and an SSD replica tier) reads where the clone's boot reads. */
static int fill_device(const sim_vm *vm)
{
  const vs_scenario *sc = vm->e->sim->sc;
  int owner, local;
  if (sc->storage.cache.at != VS_CACHE_HOST || sc->storage.boot_from != VS_TIER_HDD)
    return vm->dev;
  vs_placement_disk_owner(sc, vm->req.disk, &owner, &local);
  return owner * sc->storage.hdds + vm->req.host % sc->storage.hdds;
}

/* The storage side starts on chunk `i`: a read, a wait for another clone's
 * read of it, or nothing (a hit). Returns 1 when the chunk is already there. */
static int read_start(sim_vm *vm, boot_pipe *p, int i)
{
  vs_sim *sim = vm->e->sim;
  cache_block *b = cache_block_of(vm, i);
  double bytes = chunk_bytes(vm, i);
  p->read_t0 = simgrid_get_clock();
  p->via[i & 3] = VIA_DISK;
  if (b && b->state == BLOCK_PRESENT) {
    p->via[i & 3] = VIA_CACHE;
    sim->caches.hit_B += bytes;
    vm->read_s[i & 3] = 0;
    return 1;
  }
  /* A clone claimed it a moment ago and is creating its read (SimGrid calls
   * let other actors run): let it finish, at the same simulated time. */
  while (b && b->state == BLOCK_FILLING && !b->fill)
    sg_actor_yield();
  if (b && b->state == BLOCK_FILLING) {
    p->via[i & 3] = VIA_CACHE;
    p->read = vs_sg_exec_ref(b->fill);
    p->waiting = 1;
    return 0;
  }
  double *used = b ? cache_used(vm) : NULL;
  if (used && *used + bytes <= sim->sc->storage.cache.size_B) {
    *used += bytes;
    sim->caches.held_B += bytes;
    sim->caches.peak_B = fmax(sim->caches.peak_B, sim->caches.held_B);
    p->via[i & 3] = VIA_FILL;
    b->state = BLOCK_FILLING; /* claimed before any SimGrid call */
  }
  p->read_dev = p->via[i & 3] == VIA_FILL ? fill_device(vm) : vm->dev;
  p->read = hdd_read_start(sim, &sim->disks[p->read_dev], bytes, &p->inflation);
  if (p->via[i & 3] == VIA_FILL)
    b->fill = p->read;
  return 0;
}

/* Chunk `i`'s read (or the read it waited for) ended. */
static void read_end(sim_vm *vm, boot_pipe *p, int i)
{
  vs_sim *sim = vm->e->sim;
  if (p->waiting) {
    sim->caches.hit_B += chunk_bytes(vm, i);
    p->waiting = 0;
  } else {
    hdd_read_end(sim, &sim->disks[p->read_dev], p->inflation);
  }
  if (p->via[i & 3] == VIA_FILL) {
    cache_block *b = cache_block_of(vm, i);
    b->state = BLOCK_PRESENT;
    b->fill = NULL;
  }
  vm->read_s[i & 3] = simgrid_get_clock() - p->read_t0;
  p->read = NULL;
}

/* Starts every step whose conditions hold; returns when none does. */
static void pipe_advance(sim_vm *vm, boot_pipe *p)
{
  vs_sim *sim = vm->e->sim;
  const vs_boot_profile *boot = profile(vm);
  int host_cache = sim->sc->storage.cache.at == VS_CACHE_HOST;
  for (int moved = 1; moved;) {
    moved = 0;
    if (!p->read && p->have < 0 && p->read_next == p->handed && p->read_next < p->n &&
        read_start(vm, p, p->read_next)) {
      p->have = p->read_next++;
      moved = 1;
    }
    if (p->have >= 0 && p->arrived == p->handed) {
      p->to_send = p->have;
      p->have = -1;
      p->handed++;
      moved = 1;
    }
    if (p->to_send >= 0 && p->asked > p->to_send) {
      if (host_cache && p->via[p->to_send & 3] == VIA_CACHE) {
        p->arrived++; /* already in the host's memory */
        moved = 1;
      } else {
        p->send = vs_sg_sendto_async(storage_host(sim, vm), sim->hosts[vm->req.host],
                                     (uint64_t)chunk_bytes(vm, p->to_send));
      }
      p->to_send = -1;
    }
    if (!p->n_cpu && p->worked < p->n && p->arrived > p->worked) {
      /* Each chunk costs the guest's work and the host's I/O handling for
       * its bytes, plus busy_cpu for as long as the disk took to read it: a
       * booting VM wants that much CPU for every second of its boot. When
       * the host's cores are oversubscribed, the VM gets less than it wants
       * and its boot (and the reads it asks for) stretch accordingly. */
      int i = p->worked;
      double read_s = vm->read_s[i & 3], bytes = chunk_bytes(vm, i);
      if (i + 1 < p->n)
        p->asked = i + 2;
      p->n_cpu = cpu_work_start(sim, vm->req.host,
                                bytes * (vm->cpu_work_f / vm->read_B + boot->io_cpu_fpB) + boot->busy_cpu_fps * read_s,
                                boot->cpu_threads, read_s, p->cpu, p->cpu_cap);
      if (!p->n_cpu)
        p->worked++;
      moved = 1;
    }
  }
}

/* One of the boot's activities ended: which one, and what it unblocks. */
static void pipe_step(sim_vm *vm, boot_pipe *p)
{
  vs_sim *sim = vm->e->sim;
  sg_exec_t waiting[VS_MAX_CPU_THREADS + 1];
  size_t n = 0;
  for (int c = 0; c < p->n_cpu; c++)
    waiting[n++] = p->cpu[c];
  if (p->read)
    waiting[n++] = p->read;
  ssize_t done = vs_sg_wait_any(waiting, n, p->send);
  if (done == (ssize_t)n) { /* the transfer */
    p->send = NULL;
    p->arrived++;
  } else if (p->read && done == (ssize_t)n - 1) {
    read_end(vm, p, p->read_next);
    p->have = p->read_next++;
  } else {
    cpu_change(sim, vm->req.host, -1, p->cpu_cap[done]);
    p->cpu[done] = p->cpu[p->n_cpu - 1];
    p->cpu_cap[done] = p->cpu_cap[p->n_cpu - 1];
    if (--p->n_cpu == 0)
      p->worked++;
  }
}

static void vm_boot(int argc, char **argv)
{
  sim_vm *vm = sg_actor_self_get_data();
  sim_experiment *e = vm->e;
  boot_pipe p = {.n = n_chunks(vm), .have = -1, .to_send = -1, .asked = 1};

  /* Powered on, it waits its turn on its disk (the VM counts as started
   * when its boot can begin). */
  if (e->disk_slots)
    sg_sem_acquire(e->disk_slots[vm->req.disk]);
  vm->started_s = simgrid_get_clock() - e->t0;
  if (++e->booting > e->peak_booting)
    e->peak_booting = e->booting;
  for (pipe_advance(vm, &p); p.worked < p.n; pipe_advance(vm, &p))
    pipe_step(vm, &p);
  vm->ready_s = simgrid_get_clock() - e->t0;
  e->booting--;
  e->ready++;
  if (e->disk_slots)
    sg_sem_release(e->disk_slots[vm->req.disk]);
  if (e->slots)
    sg_sem_release(e->slots);
}

/* Powers VMs on in planned order, no earlier than planned, within the limits. */
static void launcher(int argc, char **argv)
{
  sim_experiment *e = sg_actor_self_get_data();
  double last = -INFINITY;
  for (size_t k = 0; k < e->n; k++) {
    sim_vm *vm = &e->vms[e->order[k]];
    char name[48];
    sg_actor_sleep_until(fmax(e->t0 + vm->req.start_s, last + e->limits.min_gap_s));
    if (e->slots)
      sg_sem_acquire(e->slots);
    last = simgrid_get_clock();
    snprintf(name, sizeof(name), "vm-%d", vm->req.vm);
    start_actor(name, e->sim->hosts[vm->req.host], vm_boot, vm, VS_ACTOR_STACK);
    e->launched++;
  }
}

/* ---- sampling ---- */

typedef struct {
  double *host_flops;
  double *disk_bytes;
  double *link_bytes;
  double t;
} counters;

static int counters_init(counters *c, const vs_sim *sim)
{
  c->host_flops = calloc((size_t)sim->sc->hosts.count, sizeof(double));
  c->disk_bytes = calloc((size_t)sim->n_disks, sizeof(double));
  c->link_bytes = calloc((size_t)(sim->n_links ? sim->n_links : 1), sizeof(double));
  return c->host_flops && c->disk_bytes && c->link_bytes ? VS_OK : VS_ENOMEM;
}

static void counters_free(counters *c)
{
  free(c->host_flops);
  free(c->disk_bytes);
  free(c->link_bytes);
}

static void counters_read(counters *c, vs_sim *sim)
{
  c->t = simgrid_get_clock();
  for (int h = 0; h < sim->sc->hosts.count; h++) {
    cpu_advance(sim, &sim->cpus[h]);
    c->host_flops[h] = sim->cpus[h].flops;
  }
  for (int d = 0; d < sim->n_disks; d++) {
    hdd_advance(sim, &sim->disks[d]);
    c->disk_bytes[d] = sim->disks[d].useful_bytes;
  }
  for (int l = 0; l < sim->n_links; l++)
    c->link_bytes[l] = sg_link_get_cum_load(sim->links[l]);
}

/* The per-second series. Their memory is bounded whatever the run: past
 * SERIES_BUDGET_B the samples are merged in pairs and the interval doubles
 * (a site's storm of 3,400 simulated seconds stays at 1 s; a boot lasting
 * weeks does not grow without end). */
#define SERIES_BUDGET_B (256.0 * 1024 * 1024)
#define SERIES_MAX_SAMPLES 131072.0

typedef struct {
  vs_sample *rows;
  double *host_util, *disk_MBps, *link_MBps;
  size_t n, cap;
  size_t max_n;    /* samples the budget allows */
  double every_s;  /* sampling interval */
} series;

/* Two consecutive samples become one over twice the interval: rates and
 * utilizations are averaged, counts are the later sample's. */
static void series_coarsen(series *s, const vs_sim *sim)
{
  size_t H = (size_t)sim->sc->hosts.count, D = (size_t)sim->n_disks, L = (size_t)sim->n_links, n = s->n / 2;
  for (size_t i = 0; i < n; i++) {
    const vs_sample *a = &s->rows[2 * i], *b = &s->rows[2 * i + 1];
    vs_sample m = *b;
    m.cpu_util_mean = (a->cpu_util_mean + b->cpu_util_mean) / 2;
    m.disk_MBps = (a->disk_MBps + b->disk_MBps) / 2;
    m.link_MBps = (a->link_MBps + b->link_MBps) / 2;
    m.cpu_util_max = m.link_util_max = 0;
    for (size_t h = 0; h < H; h++) {
      double u = (s->host_util[2 * i * H + h] + s->host_util[(2 * i + 1) * H + h]) / 2;
      s->host_util[i * H + h] = u;
      m.cpu_util_max = fmax(m.cpu_util_max, u);
    }
    for (size_t d = 0; d < D; d++)
      s->disk_MBps[i * D + d] = (s->disk_MBps[2 * i * D + d] + s->disk_MBps[(2 * i + 1) * D + d]) / 2;
    for (size_t l = 0; l < L; l++) {
      double mbps = (s->link_MBps[2 * i * L + l] + s->link_MBps[(2 * i + 1) * L + l]) / 2;
      s->link_MBps[i * L + l] = mbps;
      m.link_util_max = fmax(m.link_util_max, fmin(1.0, mbps * 1e6 / sim->sc->storage.link_Bps));
    }
    s->rows[i] = m;
  }
  s->n = n;
  s->every_s *= 2;
}

static int series_grow(series *s, const vs_sim *sim)
{
  if (s->n >= s->max_n)
    series_coarsen(s, sim);
  if (s->n < s->cap)
    return VS_OK;
  size_t cap = s->cap ? 2 * s->cap : 256;
  size_t H = (size_t)sim->sc->hosts.count, D = (size_t)sim->n_disks, L = (size_t)sim->n_links;
  void *r = realloc(s->rows, cap * sizeof(*s->rows));
  if (r)
    s->rows = r;
  void *hu = realloc(s->host_util, cap * H * sizeof(double));
  if (hu)
    s->host_util = hu;
  void *dm = realloc(s->disk_MBps, cap * D * sizeof(double));
  if (dm)
    s->disk_MBps = dm;
  void *lm = L ? realloc(s->link_MBps, cap * L * sizeof(double)) : s->link_MBps;
  if (lm)
    s->link_MBps = lm;
  if (!r || !hu || !dm || (L && !lm))
    return VS_ENOMEM;
  s->cap = cap;
  return VS_OK;
}

static int take_sample(series *s, vs_sim *sim, sim_experiment *e, counters *prev, counters *now)
{
  const vs_scenario *sc = sim->sc;
  size_t H = (size_t)sc->hosts.count, D = (size_t)sim->n_disks, L = (size_t)sim->n_links;
  double dt = now->t - prev->t;
  if (dt <= 0)
    return VS_OK;
  if (series_grow(s, sim) != VS_OK)
    return vs_error_set(VS_ENOMEM, "out of memory while sampling");

  vs_sample *row = &s->rows[s->n];
  memset(row, 0, sizeof(*row));
  row->t_s = now->t - e->t0;
  row->booting = e->booting;
  row->ready = e->ready;
  double host_capacity = sc->hosts.cores * sc->hosts.core_fps * dt;
  for (size_t h = 0; h < H; h++) {
    double u = (now->host_flops[h] - prev->host_flops[h]) / host_capacity;
    u = u > 1.0 ? 1.0 : u; /* float noise at saturation */
    s->host_util[s->n * H + h] = u;
    row->cpu_util_mean += u / (double)H;
    if (u > row->cpu_util_max)
      row->cpu_util_max = u;
  }
  for (size_t d = 0; d < D; d++) {
    double mbps = (now->disk_bytes[d] - prev->disk_bytes[d]) / dt / 1e6;
    s->disk_MBps[s->n * D + d] = mbps;
    row->disk_MBps += mbps;
  }
  for (size_t l = 0; l < L; l++) {
    double mbps = (now->link_bytes[l] - prev->link_bytes[l]) / dt / 1e6;
    double util = mbps * 1e6 / sc->storage.link_Bps;
    s->link_MBps[s->n * L + l] = mbps;
    row->link_MBps += mbps;
    if (util > row->link_util_max)
      row->link_util_max = util > 1.0 ? 1.0 : util;
  }
  s->n++;
  return VS_OK;
}

/* The earliest the next VM can be powered on (the launcher may wait longer
 * for a slot, but only while some VM is booting, and then we sample anyway). */
static double next_start(const sim_experiment *e)
{
  if ((size_t)e->launched >= e->n)
    return INFINITY;
  return e->t0 + e->vms[e->order[e->launched]].req.start_s;
}

static double wall_clock(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static double disks_read_B(const vs_sim *sim, const counters *c)
{
  double sum = 0;
  for (int d = 0; d < sim->n_disks; d++)
    sum += c->disk_bytes[d];
  return sum;
}

/* Long experiments say where they are, a few times per wall second. How
 * much is done is measured in bytes read: a storm's boots all end together,
 * so counting ready VMs would say nothing until the end. */
static void report_progress(const vs_sim *sim, const sim_experiment *e, const counters *c, double *last_wall)
{
  double wall = wall_clock();
  if (!sim->opts.progress || wall - *last_wall < 0.25)
    return;
  *last_wall = wall;
  vs_boot_progress p = {.t_s = simgrid_get_clock() - e->t0, .booting = e->booting, .ready = e->ready,
                        .total = (int)e->n, .elapsed_s = wall - e->wall0};
  p.done = e->read_B > 0 ? fmin(1.0, (disks_read_B(sim, c) - e->disks_read0_B) / e->read_B) : 0.0;
  sim->opts.progress(sim->opts.progress_ctx, &p);
}

/* The controller's loop while an experiment runs: one sample per second of
 * activity; idle stretches before the next start are slept through. */
static int sample_until_done(vs_sim *sim, sim_experiment *e, series *s)
{
  counters a, b;
  int rc = VS_OK;
  double last_wall = wall_clock();
  if ((rc = counters_init(&a, sim)) != VS_OK || (rc = counters_init(&b, sim)) != VS_OK)
    goto cleanup;
  counters_read(&a, sim);
  e->wall0 = last_wall;
  e->disks_read0_B = disks_read_B(sim, &a);
  while ((size_t)e->ready < e->n || (e->pool && vs_sim_pool_busy(e->pool))) {
    double now = simgrid_get_clock(), next = next_start(e);
    if (e->pool)
      next = fmin(next, vs_sim_pool_next(e->pool));
    if (vs_interrupted()) {
      /* SimGrid cannot end actors that are in the middle of an activity
       * cleanly; nothing of ours is on disk yet (results are written after
       * the run), so the process ends here. */
      char clock[32];
      vs_interrupt_error("at simulated t=%s", vs_clock_format(now - e->t0, clock, sizeof(clock)));
      vs_interrupt_exit();
    }
    if (e->booting == 0 && next > now + 1.0 && isfinite(next)) {
      sg_actor_sleep_until(next);
      counters_read(&a, sim);
      continue;
    }
    sg_actor_sleep_for(s->every_s);
    counters_read(&b, sim);
    if ((rc = take_sample(s, sim, e, &a, &b)) != VS_OK)
      goto cleanup;
    counters tmp = a;
    a = b;
    b = tmp;
    report_progress(sim, e, &a, &last_wall);
  }
cleanup:
  counters_free(&a);
  counters_free(&b);
  return rc;
}

/* ---- experiments ---- */

static int by_start(const void *a, const void *b, void *vms_)
{
  const sim_vm *vms = vms_;
  double sa = vms[*(const size_t *)a].req.start_s, sb = vms[*(const size_t *)b].req.start_s;
  if (sa != sb)
    return sa < sb ? -1 : 1;
  return *(const size_t *)a < *(const size_t *)b ? -1 : 1;
}

/* Per-VM variation without a random generator: a golden-ratio sequence is
 * evenly spread, and the first VM gets exactly the nominal profile. */
static double spread(size_t i) { return fmod(0.5 + (double)i * 0.6180339887498949, 1.0); }

/* A number in [0, 1) for VM `id`: the fixed sequence, or a seeded repeat's
 * own draw; `stream` keeps the jitter and the chunk phase independent. */
static double vm_draw(const vs_boot_variation *v, size_t id, int stream)
{
  if (!v->seeded)
    return spread(id + (size_t)(7 * stream));
  return vs_stats_uniform(v->seed, 2ULL * (unsigned long long)v->repeat + (unsigned long long)stream, id);
}

/* The result the backend interface promises, from the experiment's VMs
 * and series; the summary is computed the same way for both backends. */
static vs_boot_result *make_result(vs_sim *sim, const sim_experiment *e, const vs_boot_req *plan, series *s)
{
  vs_boot_result *r = vs_boot_result_new(plan, e->n);
  if (!r)
    return NULL;
  r->backend = "simgrid";
  for (size_t i = 0; i < e->n; i++) {
    r->started_s[i] = e->vms[i].started_s;
    r->ready_s[i] = e->vms[i].ready_s;
    r->read_B[i] = e->vms[i].read_B;
  }
  r->peak_concurrency = e->peak_booting;
  r->n_hosts = sim->sc->hosts.count;
  r->n_disks = sim->n_disks;
  r->n_links = sim->n_links;
  r->samples = s->rows;
  r->host_util = s->host_util;
  r->disk_MBps = s->disk_MBps;
  r->link_MBps = s->link_MBps;
  r->n_samples = s->n;
  r->sample_s = s->every_s;
  memset(s, 0, sizeof(*s));
  vs_boot_result_summarize(r, sim->sc);
  return r;
}

/* ---- the running desktops' steady load beside an experiment ---- */

/* Each stream wants a steady rate for the whole experiment: an exec that
 * never ends on its own (it holds work for a billion seconds at its rate,
 * small enough that what it got is still exact in a double), cancelled when
 * the boots are done. On a host, as many execs as cores the load needs; on
 * an HDD, one more interleaved reader. */
#define BG_HORIZON_S 1e9

typedef struct {
  sg_exec_t exec;
  double want, work; /* rate it is bounded at, work it was given */
  double cap;        /* CPU: its cap in the host's accounting */
  double inflation;  /* disk: its seek inflation */
  double wait0;      /* disk: its wait_integral when the stream started */
  int host, disk;    /* which resource (-1: not that kind) */
} bg_stream;

typedef struct {
  bg_stream *s;
  size_t n, cap;
  double t0;
} background;

static bg_stream *bg_add(background *bg)
{
  if (vs_array_reserve(&bg->s, &bg->cap, bg->n + 1, sizeof(*bg->s)) != VS_OK)
    return NULL;
  memset(&bg->s[bg->n], 0, sizeof(*bg->s));
  return &bg->s[bg->n++];
}

static sg_exec_t bg_exec(sg_host_t on, double rate, double *work)
{
  *work = rate * BG_HORIZON_S;
  sg_exec_t x = sg_actor_exec_init(*work);
  sg_exec_set_host(x, on);
  sg_exec_set_bound(x, rate);
  sg_exec_start(x);
  return x;
}

static int background_start(vs_sim *sim, const vs_boot_background *load, background *bg)
{
  const vs_scenario *sc = sim->sc;
  memset(bg, 0, sizeof(*bg));
  bg->t0 = simgrid_get_clock();
  if (!load)
    return VS_OK;
  for (int h = 0; load->host_cpu_fps && h < sc->hosts.count; h++) {
    double want = load->host_cpu_fps[h];
    int k = want > 0 ? (int)ceil(want / sc->hosts.core_fps - 1e-9) : 0;
    for (int i = 0; i < k; i++) {
      bg_stream *s = bg_add(bg);
      if (!s)
        return vs_error_set(VS_ENOMEM, "out of memory");
      s->host = h, s->disk = -1, s->want = want / k, s->cap = s->want;
      s->exec = bg_exec(sim->hosts[h], s->want, &s->work);
      cpu_change(sim, h, +1, s->cap);
    }
  }
  for (int d = 0; load->disk_read_Bps && d < vs_scenario_total_hdds(sc); d++) {
    if (load->disk_read_Bps[d] <= 0)
      continue;
    bg_stream *s = bg_add(bg);
    if (!s)
      return vs_error_set(VS_ENOMEM, "out of memory");
    sim_hdd *hdd = &sim->disks[d];
    hdd_advance(sim, hdd);
    hdd->readers++;
    s->inflation = hdd_inflation(hdd, hdd->readers);
    hdd->inv_inflation_sum += 1.0 / s->inflation;
    s->host = -1, s->disk = d, s->want = load->disk_read_Bps[d] * s->inflation; /* in disk time */
    s->wait0 = hdd->wait_integral;
    s->exec = bg_exec(hdd->disk, s->want, &s->work);
  }
  return VS_OK;
}

/* What each stream got against what it wanted; then they stop. */
static void background_stop(vs_sim *sim, background *bg, vs_boot_result *r)
{
  double span = simgrid_get_clock() - bg->t0;
  for (size_t i = 0; i < bg->n; i++) {
    bg_stream *s = &bg->s[i];
    double got = s->work - sg_exec_get_remaining(s->exec), slowdown = got > 0 ? s->want * span / got : 1.0;
    if (s->disk >= 0 && span > 0) {
      /* A steady reader's reads wait on every stream the HDD interleaves:
       * on average over the experiment, how much longer than when it read
       * alone (what a desktop notices), or how far short of its rate it
       * fell, whichever is worse. */
      sim_hdd *hdd = &sim->disks[s->disk];
      hdd_advance(sim, hdd);
      double waits = (hdd->wait_integral - s->wait0) / span * vs_scenario_hdd_factor(hdd->model, 1);
      slowdown = fmax(slowdown, waits);
    }
    if (r && span > 0) {
      double *worst = s->host >= 0 ? &r->background_cpu_slowdown : &r->background_read_slowdown;
      *worst = fmax(*worst, fmax(1.0, slowdown));
    }
    sg_exec_cancel(s->exec);
    if (s->host >= 0)
      cpu_change(sim, s->host, -1, s->cap);
    else
      hdd_read_end(sim, &sim->disks[s->disk], s->inflation);
  }
  free(bg->s);
  memset(bg, 0, sizeof(*bg));
}

/* ---- memory, before an experiment starts ---- */

/* What a booting VM costs while it boots (its actor's stack and SimGrid's
 * actor and activities) and what every VM of the plan costs (its state,
 * the result's arrays), measured on this engine: 10,000 VMs at once on the
 * site peak at 212 MB, a 51,200-desktop morning at 167 MB. */
#define MEM_BASE_B (64.0 * 1024 * 1024)
#define MEM_PER_BOOTING_B (VS_ACTOR_STACK + 16.0 * 1024)
#define MEM_PER_VM_B 600.0

/* Most VMs of the (start-ordered) plan that can be booting at once: those
 * that start within ten unloaded boots of each other (a boot's read at one
 * HDD's speed), which all-at-once and storms reach and schedules do not. */
static size_t booting_at_most(const vs_sim *sim, const sim_experiment *e)
{
  double window = 10.0 * sim->sc->boot.read_B / sim->sc->hdd.read_Bps;
  size_t best = 0;
  for (size_t i = 0, j = 0; j < e->n; j++) {
    while (e->vms[e->order[j]].req.start_s - e->vms[e->order[i]].req.start_s > window)
      i++;
    if (j - i + 1 > best)
      best = j - i + 1;
  }
  if (e->limits.max_concurrent > 0 && best > (size_t)e->limits.max_concurrent)
    best = (size_t)e->limits.max_concurrent;
  return best;
}

/* Refuses (bad input, exit 2) an experiment whose memory estimate exceeds
 * what the machine has available, naming both; --force runs it anyway. */
static int check_memory(const vs_sim *sim, const sim_experiment *e, const series *s, size_t per_sample_B)
{
  size_t booting = booting_at_most(sim, e);
  double need = MEM_BASE_B + (double)e->n * MEM_PER_VM_B + (double)booting * MEM_PER_BOOTING_B +
                (double)s->max_n * (double)per_sample_B;
  double have = vs_sysinfo_mem_available_B();
  if (need <= have || sim->opts.force)
    return VS_OK;
  return vs_error_set(VS_EINPUT,
                      "%zu VMs (up to %zu booting at once) need about %.1f GiB; this machine has %.1f GiB "
                      "available (fewer VMs, or --force to run it anyway)",
                      e->n, booting, need / 1073741824.0, have / 1073741824.0);
}

static int sim_boot(vs_backend *b, const vs_boot_req *plan, size_t n, const vs_boot_limits *limits,
                    vs_boot_result **out)
{
  vs_sim *sim = b->impl;
  sim_experiment e = {.sim = sim, .n = n, .t0 = simgrid_get_clock()};
  size_t per_sample_B = sizeof(vs_sample) + sizeof(double) * (size_t)(sim->sc->hosts.count + sim->n_disks + sim->n_links);
  /* At most 2^17 samples (36 hours of activity at 1 s), fewer for a big
   * site; even, so that pairs merge. */
  background bg = {0};
  series s = {.every_s = 1.0,
              .max_n = (size_t)fmin(SERIES_MAX_SAMPLES, fmax(64, SERIES_BUDGET_B / (double)per_sample_B)) & ~(size_t)1};
  int rc = VS_OK;

  if (limits)
    e.limits = *limits;
  if (e.limits.max_concurrent > 0)
    e.slots = sg_sem_init(e.limits.max_concurrent);
  if (e.limits.max_per_disk > 0) {
    if (!(e.disk_slots = calloc((size_t)sim->n_disks, sizeof(*e.disk_slots)))) {
      rc = vs_error_set(VS_ENOMEM, "out of memory");
      goto cleanup;
    }
    for (int d = 0; d < sim->n_disks; d++)
      e.disk_slots[d] = sg_sem_init(e.limits.max_per_disk);
  }
  e.vms = calloc(n ? n : 1, sizeof(*e.vms));
  e.order = calloc(n ? n : 1, sizeof(*e.order));
  if (!e.vms || !e.order) {
    rc = vs_error_set(VS_ENOMEM, "out of memory for %zu VMs", n);
    goto cleanup;
  }
  for (size_t i = 0; i < n; i++) {
    sim_vm *vm = &e.vms[i];
    /* Variation follows the VM's id, not its place in the plan, so a VM
     * boots the same way whenever a schedule moves it. */
    size_t id = plan[i].vm >= 0 ? (size_t)plan[i].vm : i;
    const vs_boot_profile *boot = &sim->sc->classes[plan[i].cls].boot;
    double f = 1.0 + boot->jitter * (2.0 * vm_draw(&b->variation, id, 0) - 1.0);
    vm->e = &e;
    vm->req = plan[i];
    vm->dev = vs_placement_boot_device(sim->sc, plan[i].disk);
    vm->cache = cache_index(sim, &plan[i]);
    vm->read_B = boot->read_B * f;
    vm->cpu_work_f = boot->cpu_work_f * f;
    vm->phase = vm_draw(&b->variation, id, 1);
    e.read_B += vm->read_B;
    e.order[i] = i;
  }
  qsort_r(e.order, n, sizeof(*e.order), by_start, e.vms);
  caches_reset(sim);
  if ((rc = check_memory(sim, &e, &s, per_sample_B)) != VS_OK ||
      (rc = background_start(sim, b->background, &bg)) != VS_OK ||
      (b->pool && (rc = vs_sim_pool_start(sim, b->pool, &e.pool)) != VS_OK))
    goto cleanup;

  if (n > 0 || e.pool) {
    if (n > 0)
      start_actor("launcher", sim->hosts[0], launcher, &e, VS_ACTOR_STACK);
    if ((rc = sample_until_done(sim, &e, &s)) != VS_OK || (e.pool && (rc = vs_sim_pool_finish(e.pool)) != VS_OK))
      goto cleanup;
  }
  if (!(*out = make_result(sim, &e, plan, &s)))
    rc = vs_error_set(VS_ENOMEM, "out of memory for %zu VMs", n);
  else
    caches_report(sim, *out);

cleanup:
  vs_sim_pool_free(e.pool);
  background_stop(sim, &bg, rc == VS_OK ? *out : NULL);
  free(s.rows);
  free(s.host_util);
  free(s.disk_MBps);
  free(s.link_MBps);
  if (e.slots)
    sg_sem_destroy(e.slots);
  for (int d = 0; e.disk_slots && d < sim->n_disks; d++)
    sg_sem_destroy(e.disk_slots[d]);
  free(e.disk_slots);
  free(e.vms);
  free(e.order);
  return rc;
}

/* ---- the read caches ---- */

static int caches_init(vs_sim *sim)
{
  const vs_scenario *sc = sim->sc;
  sim_caches *c = &sim->caches;
  int owners = sc->storage.cache.at == VS_CACHE_HOST ? sc->hosts.count : sc->storage.nas_count;
  if (vs_scenario_reads_hdd_uncached(sc) || sc->storage.cache.at == VS_CACHE_NONE)
    return VS_OK; /* no cache, or full copies: nothing is shared */
  for (size_t k = 0; k < sc->n_classes; k++)
    c->n_blocks = c->n_blocks > sc->classes[k].boot.chunks + 1 ? c->n_blocks : sc->classes[k].boot.chunks + 1;
  c->n_caches = owners * (int)sc->n_classes;
  c->blocks = calloc((size_t)c->n_caches * (size_t)c->n_blocks, sizeof(*c->blocks));
  c->used_B = calloc((size_t)owners, sizeof(*c->used_B));
  return c->blocks && c->used_B ? VS_OK : vs_error_set(VS_ENOMEM, "out of memory for the caches");
}

/* Every experiment starts with cold caches (a morning after the hosts, or
 * the NAS, came up), or with warm ones (storage.cache.warm: the base image's
 * first blocks, as many as fit, already there), so that repeats do not
 * depend on their order. */
static void caches_reset(vs_sim *sim)
{
  const vs_scenario *sc = sim->sc;
  sim_caches *c = &sim->caches;
  int owners = sc->storage.cache.at == VS_CACHE_HOST ? sc->hosts.count : sc->storage.nas_count;
  if (!c->blocks)
    return;
  memset(c->blocks, 0, (size_t)c->n_caches * (size_t)c->n_blocks * sizeof(*c->blocks));
  memset(c->used_B, 0, (size_t)owners * sizeof(*c->used_B));
  c->peak_B = c->held_B = c->hit_B = 0;
  for (int k = 0; sc->storage.cache.warm && k < c->n_caches; k++) {
    const vs_boot_profile *boot = &sc->classes[k % (int)sc->n_classes].boot;
    double block_B = boot->read_B / boot->chunks, *used = &c->used_B[k / (int)sc->n_classes];
    for (int b = 0; b <= boot->chunks && *used + block_B <= sc->storage.cache.size_B; b++) {
      c->blocks[(size_t)k * (size_t)c->n_blocks + (size_t)b].state = BLOCK_PRESENT;
      *used += block_B;
      c->held_B += block_B;
    }
  }
  c->peak_B = c->held_B;
}

static int cache_index(const vs_sim *sim, const vs_boot_req *req)
{
  const vs_scenario *sc = sim->sc;
  int owner, local;
  if (!sim->caches.blocks)
    return -1;
  if (sc->storage.cache.at == VS_CACHE_HOST)
    owner = req->host;
  else
    vs_placement_disk_owner(sc, req->disk, &owner, &local);
  return owner * (int)sc->n_classes + req->cls;
}

static void caches_report(const vs_sim *sim, vs_boot_result *r)
{
  if (!sim->caches.blocks)
    return;
  r->has_cache = 1;
  r->cache_hit_B = sim->caches.hit_B;
  r->cache_host_B = sim->caches.peak_B;
  for (size_t i = 0; i < r->n_vms; i++)
    r->cache_guest_B += r->read_B[i];
}

/* ---- for sim/pool.c: the disks and actors its copies use ---- */

sg_exec_t vs_sim_disk_io_start(vs_sim *sim, int disk, double bytes, double *inflation)
{
  return hdd_read_start(sim, &sim->disks[disk], bytes, inflation);
}

void vs_sim_disk_io_end(vs_sim *sim, int disk, double inflation) { hdd_read_end(sim, &sim->disks[disk], inflation); }

sg_host_t vs_sim_disk_owner(const vs_sim *sim, int disk) { return sim->disks[disk].owner; }

void vs_sim_actor_start(const char *name, sg_host_t host, void (*code)(int, char **), void *data)
{
  start_actor(name, host, code, data, VS_ACTOR_STACK);
}

/* ---- the session ---- */

static int bind_platform(vs_sim *sim)
{
  const vs_scenario *sc = sim->sc;
  int local = sc->storage.kind == VS_STORAGE_LOCAL;
  char name[48];

  sim->n_disks = vs_scenario_total_devices(sc);
  sim->n_links = local ? 0 : sc->storage.nas_count;
  sim->hosts = calloc((size_t)sc->hosts.count, sizeof(*sim->hosts));
  sim->cpus = calloc((size_t)sc->hosts.count, sizeof(*sim->cpus));
  sim->disks = calloc((size_t)sim->n_disks, sizeof(*sim->disks));
  sim->links = calloc((size_t)(sim->n_links ? sim->n_links : 1), sizeof(*sim->links));
  if (!sim->hosts || !sim->cpus || !sim->disks || !sim->links)
    return vs_error_set(VS_ENOMEM, "out of memory for the platform");

  /* Resources carry the names placement.h gives them (outputs, schedule CSVs). */
  for (int h = 0; h < sc->hosts.count; h++)
    sim->hosts[h] = sg_host_by_name(vs_placement_host_name(h, name, sizeof(name)));
  for (int d = 0; d < sim->n_disks; d++) {
    int owner, local_index;
    sim_hdd *hdd = &sim->disks[d];
    vs_placement_disk_owner(sc, d, &owner, &local_index);
    snprintf(name, sizeof(name), local ? "host-%d" : "nas-%d", owner);
    hdd->owner = sg_host_by_name(name);
    hdd->disk = sg_host_by_name(vs_placement_disk_name(sc, d, name, sizeof(name)));
    if (!hdd->owner || !hdd->disk)
      return vs_error_set(VS_ESIM, "platform: %s or its owner is missing", name);
    hdd->model = vs_scenario_device_model(sc, d);
    hdd->peak_Bps = vs_sim_device_peak_bw(hdd->model);
  }
  for (int l = 0; l < sim->n_links; l++)
    sim->links[l] = sg_link_by_name(vs_placement_link_name(l, name, sizeof(name)));
  return VS_OK;
}

static void controller(int argc, char **argv)
{
  vs_sim *sim = sg_actor_self_get_data();
  /* Link tracking only takes effect once the simulation runs. */
  for (int l = 0; l < sim->n_links; l++)
    sg_link_load_track(sim->links[l]);
  sim->study_rc = sim->study(&sim->backend, sim->payload);
}

static void free_sim(vs_sim *sim)
{
  free(sim->hosts);
  free(sim->cpus);
  free(sim->disks);
  free(sim->links);
  free(sim->caches.blocks);
  free(sim->caches.used_B);
}

int vs_sim_run(const vs_scenario *sc, const vs_sim_options *opts, vs_backend_fn study, void *payload)
{
  static int used;
  vs_sim sim = {.sc = sc, .study = study, .payload = payload, .study_rc = VS_ESIM};
  char platform[64];
  int fd;
  char *argv[] = {"vdistorm",
                  opts && opts->verbose ? "--log=root.thres:info" : "--log=root.thres:critical",
                  "--cfg=network/model:CM02",
                  "--cfg=network/crosstraffic:0",
                  "--cfg=contexts/guard-size:0",
#ifdef VS_SANITIZE
                  /* Sanitizers cannot follow SimGrid's hand-made stack switches. */
                  "--cfg=contexts/factory:thread",
#endif
                  NULL};
  int argc = (int)(sizeof(argv) / sizeof(argv[0])) - 1;
  int rc;

  if (used++)
    return vs_error_set(VS_ESIM, "only one simulation session per process");
  if (opts)
    sim.opts = *opts;
  sim.backend = (vs_backend){.name = "simgrid", .sc = sc, .boot = sim_boot, .impl = &sim};

  if ((rc = vs_platform_memfd(sc, &fd)) != VS_OK)
    return rc;
  snprintf(platform, sizeof(platform), "/proc/self/fd/%d", fd);
  simgrid_init(&argc, argv);
  vs_interrupt_install(); /* SimGrid installs its own SIGINT handler, which exits 1 */
  sg_link_load_plugin_init();
  simgrid_load_platform(platform);
  close(fd);

  if ((rc = bind_platform(&sim)) != VS_OK || (rc = caches_init(&sim)) != VS_OK)
    goto cleanup;
  start_actor("controller", sim.hosts[0], controller, &sim, VS_BODY_STACK);
  simgrid_run();
  rc = sim.study_rc;
cleanup:
  free_sim(&sim);
  return rc;
}

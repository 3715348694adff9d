/* The image pool (ETRI's fast desktop creation) as actors beside an
 * experiment:
 *  - an arrivals actor starts one request actor per creation at its time;
 *  - a request passes the creation handler (serial, handler_s each), then
 *    takes a system and a user image from their pools (waiting, first come
 *    first served, while a pool is empty) -- or, without a pool, copies both
 *    images on demand and waits for them;
 *  - the preparer copies a replacement for every image taken (and the
 *    initial fill), at most `parallel` at once, when the refill policy lets it;
 *  - a copy is one actor streaming the image in chunks: read chunk i on the
 *    golden's disk, send it to the pool disk's owner when that is another
 *    NAS, write it on the pool's disk, the three overlapping (two chunks in
 *    the pipe). Reads and writes are interleaved streams on engine.c's HDDs,
 *    so copies and boots slow each other down on disks and links.
 * Clock times (the spec's) are the experiment's origin_s + (now - t0). */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <simgrid/actor.h>
#include <simgrid/comm.h>
#include <simgrid/cond.h>
#include <simgrid/engine.h>
#include <simgrid/exec.h>
#include <simgrid/host.h>
#include <simgrid/mutex.h>
#include <simgrid/semaphore.h>

#include "core/buf.h"
#include "core/error.h"
#include "sim/sg_extra.h"
#include "sim/sim_internal.h"

/* Chunks a copy may have read ahead of its writes. */
#define COPY_AHEAD 2

typedef struct {
  int image, fill;
} queued_copy;

struct sim_pool {
  vs_sim *sim;
  const vs_pool_workload *w;
  const vs_pool_spec *spec;
  vs_pool_result *r;
  double t0;             /* simulated time of the experiment's t = 0 */
  int *count;            /* pool size per kind */
  int *level;            /* ready images not taken, per kind */
  int *waiting;          /* requests waiting for an image, per kind */
  double *empty_since;   /* simulated time the kind's pool became empty; < 0: not empty */
  sg_sem_t *ready;       /* per kind: hands ready images to takers in arrival order */
  queued_copy *queue;    /* copies the preparer still has to start, in order */
  size_t q_head, q_len, q_cap;
  int inflight;          /* the preparer's copies running */
  int handling;          /* requests arrived and in (or waiting for) the handler */
  int copying;           /* copies running, the preparer's and on-demand ones */
  size_t arrived, created;
  int fill_left;         /* copies of the initial fill not yet done */
  long batch_tick;       /* batched: the current period, and copies it may still start */
  int batch_left;
  int stop, preparer_alive;
  sg_mutex_t lock;
  sg_cond_t wake;        /* the preparer's: work queued, a copy done, stop */
  sg_mutex_t handler;    /* the creation handler: one request at a time */
  sg_sem_t preparer_done;
};

static double clock_of(const sim_pool *p, double sim_t) { return p->w->origin_s + (sim_t - p->t0); }

static double now_clock(const sim_pool *p) { return clock_of(p, simgrid_get_clock()); }

/* ---- pool levels and empty time ---- */

static void became_empty(sim_pool *p, int k)
{
  p->empty_since[k] = simgrid_get_clock();
  p->r->empty_times[k]++;
}

static void not_empty(sim_pool *p, int k)
{
  if (p->empty_since[k] >= 0)
    p->r->empty_s[k] += simgrid_get_clock() - p->empty_since[k];
  p->empty_since[k] = -1;
}

static int queue_push(sim_pool *p, int image, int fill)
{
  if (p->q_head > 0 && p->q_head == p->q_len) /* drained: reuse the array from its start */
    p->q_head = p->q_len = 0;
  if (vs_array_reserve(&p->queue, &p->q_cap, p->q_len + 1, sizeof(*p->queue)) != VS_OK)
    return vs_error_set(VS_ENOMEM, "out of memory");
  p->queue[p->q_len++] = (queued_copy){.image = image, .fill = fill};
  return VS_OK;
}

/* ---- a copy: the golden image streamed into the pool's disk ---- */

typedef struct {
  sim_pool *p;
  int image, fill;
  sg_sem_t done;     /* on demand: released when the copy is done */
} copy_job;

static void copy_stream(sim_pool *p, const vs_pool_image *img)
{
  vs_sim *sim = p->sim;
  int n = p->spec->chunks, read_next = 0, read_done = 0, sent = 0, arrived = 0, written = 0;
  double chunk = img->size_B / n, read_infl = 1, write_infl = 1;
  sg_host_t from = vs_sim_disk_owner(sim, img->golden_disk), to = vs_sim_disk_owner(sim, img->pool_disk);
  int remote = from != to;
  sg_exec_t read = NULL, write = NULL;
  sg_comm_t send = NULL;

  while (written < n) {
    if (!read && read_next < n && read_next - written < COPY_AHEAD) {
      read = vs_sim_disk_io_start(sim, img->golden_disk, chunk, &read_infl);
      read_next++;
    }
    if (remote && !send && sent < read_done) {
      send = vs_sg_sendto_async(from, to, (uint64_t)chunk);
      sent++;
    }
    if (!write && written < (remote ? arrived : read_done)) {
      write = vs_sim_disk_io_start(sim, img->pool_disk, chunk, &write_infl);
    }
    sg_exec_t execs[2];
    size_t ne = 0;
    int read_at = -1, write_at = -1;
    if (read)
      read_at = (int)ne, execs[ne++] = read;
    if (write)
      write_at = (int)ne, execs[ne++] = write;
    ssize_t done = vs_sg_wait_any(execs, ne, send);
    if (done == (ssize_t)ne) {
      send = NULL;
      arrived++;
    } else if (done == read_at) {
      vs_sim_disk_io_end(sim, img->golden_disk, read_infl);
      read = NULL;
      read_done++;
    } else if (done == write_at) {
      vs_sim_disk_io_end(sim, img->pool_disk, write_infl);
      write = NULL;
      written++;
    }
  }
}

static void copy_actor(int argc, char **argv)
{
  copy_job *job = sg_actor_self_get_data();
  sim_pool *p = job->p;
  const vs_pool_image *img = &p->spec->images[job->image];
  double start = now_clock(p);

  copy_stream(p, img);
  p->r->copied_B += img->size_B;
  /* Recorded when done (out of memory loses the record, not the copy). */
  vs_pool_copy *rec = vs_pool_result_add_copy(p->r);
  if (rec)
    *rec = (vs_pool_copy){.image = job->image, .on_demand = job->done != NULL, .fill = job->fill,
                          .start_s = start, .end_s = now_clock(p), .bytes = img->size_B};
  if (job->done) {
    sg_sem_release(job->done);
  } else {
    int k = job->image;
    p->inflight--;
    if (p->waiting[k] > 0) { /* straight to the first request waiting for it */
      sg_sem_release(p->ready[k]);
    } else {
      p->level[k]++;
      not_empty(p, k);
      sg_sem_release(p->ready[k]);
    }
    if (job->fill && --p->fill_left == 0)
      p->r->fill_done_s = now_clock(p);
    sg_cond_notify_all(p->wake);
  }
  free(job);
  /* Last: once no copy runs the controller may end the run and free p. */
  p->copying--;
}

static int copy_start(sim_pool *p, int image, int fill, sg_sem_t done)
{
  copy_job *job = malloc(sizeof(*job));
  char name[48];
  if (!job)
    return vs_error_set(VS_ENOMEM, "out of memory");
  *job = (copy_job){.p = p, .image = image, .fill = fill, .done = done};
  snprintf(name, sizeof(name), "copy-%s", fill ? "fill" : done ? "demand" : "refill");
  p->copying++;
  vs_sim_actor_start(name, vs_sim_disk_owner(p->sim, p->spec->images[image].pool_disk), copy_actor, job);
  return VS_OK;
}

/* ---- the preparer ---- */

/* Seconds until the refill policy next lets a copy start (0: now). */
static double refill_wait(sim_pool *p)
{
  const vs_pool_refill *rf = &p->spec->refill;
  double c = now_clock(p);
  if (rf->kind == VS_REFILL_OFF_PEAK) {
    double day = fmod(c, 86400.0), from = fmod(rf->from_s, 86400.0), to = fmod(rf->to_s, 86400.0);
    int open = from < to ? (day >= from && day < to) : (day >= from || day < to);
    return open ? 0.0 : fmod(from - day + 86400.0, 86400.0);
  }
  if (rf->kind == VS_REFILL_BATCHED) {
    long tick = (long)floor(c / rf->batch_every_s + 1e-9);
    if (tick != p->batch_tick) {
      p->batch_tick = tick;
      p->batch_left = rf->batch_count;
    }
    return p->batch_left > 0 ? 0.0 : fmax(1e-3, (tick + 1) * rf->batch_every_s - c);
  }
  return 0.0;
}

/* Starts the queued copies the limits allow; returns how long until the
 * policy opens again when copies wait for it (INFINITY: nothing waits on it). */
static double preparer_start_copies(sim_pool *p, int *rc)
{
  while (p->q_head < p->q_len && p->inflight < p->spec->parallel) {
    queued_copy q = p->queue[p->q_head];
    if (!q.fill) { /* the initial fill is not a refill: the policy does not hold it back */
      double wait = refill_wait(p);
      if (wait > 0)
        return wait;
      if (p->spec->refill.kind == VS_REFILL_BATCHED)
        p->batch_left--;
    }
    p->q_head++;
    p->inflight++;
    if ((*rc = copy_start(p, q.image, q.fill, NULL)) != VS_OK)
      return INFINITY;
  }
  return INFINITY;
}

static void preparer(int argc, char **argv)
{
  sim_pool *p = sg_actor_self_get_data();
  int rc = VS_OK;
  /* The initial fill starts at fill_at (a morning's t = 0 may be earlier). */
  if (p->spec->fill && !p->w->no_pool)
    sg_actor_sleep_until(fmax(simgrid_get_clock(), p->t0 + (p->spec->fill_at_s - p->w->origin_s)));
  sg_mutex_lock(p->lock);
  while (!p->stop && rc == VS_OK) {
    double wait = preparer_start_copies(p, &rc);
    if (isfinite(wait))
      sg_cond_wait_for(p->wake, p->lock, wait);
    else
      sg_cond_wait(p->wake, p->lock);
  }
  sg_mutex_unlock(p->lock);
  p->preparer_alive = 0;
  sg_sem_release(p->preparer_done);
}

/* ---- requests ---- */

/* Takes a ready image of kind k, waiting in arrival order while there is none. */
static void take(sim_pool *p, int k)
{
  if (p->level[k] > 0) {
    p->level[k]--;
    sg_sem_acquire(p->ready[k]);
    if (p->level[k] == 0)
      became_empty(p, k);
  } else {
    p->waiting[k]++;
    sg_sem_acquire(p->ready[k]);
    p->waiting[k]--;
  }
  /* The handler tells the preparer which kind was taken. */
  if (queue_push(p, k, 0) == VS_OK)
    sg_cond_notify_all(p->wake);
}

typedef struct {
  sim_pool *p;
  size_t index;
} request_job;

static void request_actor(int argc, char **argv)
{
  request_job *job = sg_actor_self_get_data();
  sim_pool *p = job->p;
  const vs_pool_request *rq = &p->spec->requests[job->index];

  sg_mutex_lock(p->handler);
  if (p->spec->handler_s > 0)
    sg_actor_sleep_for(p->spec->handler_s);
  sg_mutex_unlock(p->handler);
  p->handling--;
  if (p->w->no_pool) {
    sg_sem_t done = sg_sem_init(0);
    int ok = copy_start(p, rq->system, 0, done) == VS_OK;
    ok = (copy_start(p, rq->user, 0, done) == VS_OK) + ok;
    for (int i = 0; i < ok; i++)
      sg_sem_acquire(done);
    sg_sem_destroy(done);
  } else {
    take(p, rq->system);
    take(p, rq->user);
  }
  p->r->created_s[job->index] = now_clock(p);
  free(job);
  p->created++; /* last: see copy_actor */
}

static void arrivals(int argc, char **argv)
{
  sim_pool *p = sg_actor_self_get_data();
  size_t n = p->spec->n_requests; /* p may be gone once the last request is created */
  for (size_t i = 0; i < n; i++) {
    request_job *job = malloc(sizeof(*job));
    char name[32];
    sg_actor_sleep_until(p->t0 + (p->spec->requests[i].at_s - p->w->origin_s));
    if (!job) { /* counted as never created: the run reports it */
      p->arrived++;
      p->created++;
      continue;
    }
    *job = (request_job){.p = p, .index = i};
    snprintf(name, sizeof(name), "create-%zu", i);
    p->arrived++;
    p->handling++;
    vs_sim_actor_start(name, vs_sim_disk_owner(p->sim, 0), request_actor, job);
  }
}

/* ---- the controller's side ---- */

int vs_sim_pool_start(vs_sim *sim, const vs_pool_workload *w, sim_pool **out)
{
  const vs_pool_spec *spec = w->spec;
  sim_pool *p = calloc(1, sizeof(*p));
  size_t K = spec->n_images;
  int rc = VS_OK;
  *out = p;
  if (!p)
    return vs_error_set(VS_ENOMEM, "out of memory");
  p->sim = sim, p->w = w, p->spec = spec, p->r = w->out, p->t0 = simgrid_get_clock();
  p->batch_tick = -1;
  p->count = calloc(K, sizeof(int));
  p->level = calloc(K, sizeof(int));
  p->waiting = calloc(K, sizeof(int));
  p->empty_since = calloc(K, sizeof(double));
  p->ready = calloc(K, sizeof(sg_sem_t));
  if (!p->count || !p->level || !p->waiting || !p->empty_since || !p->ready)
    return vs_error_set(VS_ENOMEM, "out of memory");
  p->r->start_s = w->origin_s;
  for (size_t k = 0; k < K; k++) {
    p->count[k] = w->count ? w->count[k] : spec->images[k].count;
    /* Without a fill the pools start full; with one they start empty and
     * the fill starts with the experiment (origin_s = fill_at). */
    p->level[k] = w->no_pool || spec->fill ? 0 : p->count[k];
    p->empty_since[k] = -1;
    p->ready[k] = sg_sem_init(p->level[k]);
    if (!w->no_pool && p->level[k] == 0)
      became_empty(p, (int)k);
  }
  if (spec->fill && !w->no_pool)
    for (int kind = VS_POOL_SYSTEM; kind <= VS_POOL_USER; kind++) /* the paper's order: systems first */
      for (size_t k = 0; k < K; k++)
        for (int i = 0; spec->images[k].kind == (vs_pool_image_kind)kind && i < p->count[k]; i++) {
          if ((rc = queue_push(p, (int)k, 1)) != VS_OK)
            return rc;
          p->fill_left++;
        }
  p->lock = sg_mutex_init();
  p->handler = sg_mutex_init();
  p->wake = sg_cond_init();
  p->preparer_done = sg_sem_init(0);
  p->preparer_alive = 1;
  vs_sim_actor_start("preparer", vs_sim_disk_owner(sim, 0), preparer, p);
  vs_sim_actor_start("arrivals", vs_sim_disk_owner(sim, 0), arrivals, p);
  return VS_OK;
}

int vs_sim_pool_busy(const sim_pool *p)
{
  return p->created < p->spec->n_requests || p->q_head < p->q_len || p->copying > 0;
}

double vs_sim_pool_next(const sim_pool *p)
{
  double now = simgrid_get_clock();
  if (p->copying > 0 || p->handling > 0)
    return now;
  double next = INFINITY;
  if (p->arrived < p->spec->n_requests)
    next = p->t0 + (p->spec->requests[p->arrived].at_s - p->w->origin_s);
  if (p->q_head < p->q_len) {
    /* Copies wait for the policy: its next opening (the preparer wakes then). */
    const vs_pool_refill *rf = &p->spec->refill;
    double c = now_clock(p), wait = 0;
    if (rf->kind == VS_REFILL_OFF_PEAK) {
      double day = fmod(c, 86400.0), from = fmod(rf->from_s, 86400.0);
      wait = fmod(from - day + 86400.0, 86400.0);
    } else if (rf->kind == VS_REFILL_BATCHED)
      wait = (floor(c / rf->batch_every_s + 1e-9) + 1) * rf->batch_every_s - c;
    next = fmin(next, now + wait);
  }
  return fmax(next, now);
}

int vs_sim_pool_finish(sim_pool *p)
{
  p->stop = 1;
  sg_cond_notify_all(p->wake);
  sg_sem_acquire(p->preparer_done);
  for (size_t k = 0; k < p->spec->n_images; k++)
    not_empty(p, (int)k);
  p->r->end_s = now_clock(p);
  return VS_OK;
}

void vs_sim_pool_free(sim_pool *p)
{
  if (!p)
    return;
  if (p->preparer_alive) { /* an error before the run ended: let the preparer go */
    p->stop = 1;
    sg_cond_notify_all(p->wake);
    sg_sem_acquire(p->preparer_done);
  }
  for (size_t k = 0; p->ready && k < p->spec->n_images; k++)
    if (p->ready[k])
      sg_sem_destroy(p->ready[k]);
  if (p->lock)
    sg_mutex_destroy(p->lock);
  if (p->handler)
    sg_mutex_destroy(p->handler);
  if (p->wake)
    sg_cond_destroy(p->wake);
  if (p->preparer_done)
    sg_sem_destroy(p->preparer_done);
  free(p->count);
  free(p->level);
  free(p->waiting);
  free(p->empty_since);
  free(p->ready);
  free(p->queue);
  free(p);
}

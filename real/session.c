/* Connections, the domain-type probe, leftover cleanup and the live run.
 *
 * Every domain is transient and named vdistorm-<pid>-<label>-<vm>; its disk
 * (an overlay or a copy) and console log live in <image>/run-<pid>/. A run
 * always ends in the same cleanup path -- success, error, boot timeout,
 * SIGINT/SIGTERM/SIGHUP (the handler only sets a flag the loops poll) or a
 * lost libvirt connection (reconnect, then destroy) -- and a disk is only
 * removed once its domain is known to be gone. A run that died anyway
 * (SIGKILL, power loss) or could not reach libvirtd again leaves names whose
 * pid is dead, which the next vs_real_open() destroys and removes, together
 * with QEMU processes no libvirtd knows any more. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include "core/buf.h"
#include "core/error.h"
#include "core/fsutil.h"
#include "core/interrupt.h"
#include "core/spawn.h"
#include "real/real.h"


/* libvirt prints every error on stderr by default; ours are reported once,
 * on one line, by the caller. */
static void quiet_libvirt(void *ud, virErrorPtr err) { (void)ud, (void)err; }

static const char *virt_msg(void)
{
  static _Thread_local char buf[512];
  const char *m = virGetLastErrorMessage();
  snprintf(buf, sizeof(buf), "%s", m ? m : "unknown libvirt error");
  for (char *p = buf; *p; p++)
    if (*p == '\n' || *p == '\r')
      *p = ' ';
  return buf;
}

typedef struct {
  virConnectPtr conn;
  const char *uri;
  int local;      /* the hypervisor is this machine: read /proc */
  int ncpus;
  int dac;        /* the daemon has the DAC security driver (not a user's qemu:///session) */
  atomic_int closed; /* 1 + virConnectCloseReason, set by libvirt's event thread */
} host_t;

struct vs_real {
  const vs_scenario *sc;
  vs_real_options opts;
  host_t *hosts;
  size_t n_hosts;
  char type[8];
  char dac[48];   /* "+UID:+GID" of the image folder's owner */
  char *image_dir, *kernel, *initrd, *base, *workdir;
  long pid;
  int runs;       /* runs so far, part of the domain names */
  int kept;       /* domains that could not be destroyed: keep their disks for the next run */
};

static double now_s(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void sleep_s(double s)
{
  struct timespec ts = {(time_t)s, (long)((s - floor(s)) * 1e9)};
  nanosleep(&ts, NULL);
}

static char *join(const char *dir, const char *name)
{
  size_t n = strlen(dir) + strlen(name) + 2;
  char *s = malloc(n);
  if (s)
    snprintf(s, n, "%s/%s", dir, name);
  return s;
}

static int pid_dead(long pid)
{
  return kill((pid_t)pid, 0) != 0 && errno == ESRCH;
}

/* ---- connections ---- */

/* libvirt notices a dead or hung daemon only in its event loop: keepalive
 * probes and the close callback run there. Without one a call to a stopped
 * daemon blocks for ever and a restarted one goes unnoticed until the next
 * call fails. One loop thread per process, started before the first
 * connection. */
#define KEEPALIVE_INTERVAL_S 5
#define KEEPALIVE_COUNT 3 /* no answer for (3 + 1) * 5 s: the connection is closed */

static pthread_once_t g_event_once = PTHREAD_ONCE_INIT;
static int g_event_loop;

static void *event_loop(void *arg)
{
  (void)arg;
  for (;;)
    if (virEventRunDefaultImpl() < 0)
      sleep_s(0.1);
  return NULL;
}

static void event_loop_start(void)
{
  pthread_t t;
  sigset_t all, old;
  if (virEventRegisterDefaultImpl() < 0)
    return;
  /* Signals stay with the main thread: its loops poll the flag, and a
   * SIGPIPE on a closed socket must not kill the process from here. */
  sigfillset(&all);
  pthread_sigmask(SIG_BLOCK, &all, &old);
  g_event_loop = pthread_create(&t, NULL, event_loop, NULL) == 0;
  pthread_sigmask(SIG_SETMASK, &old, NULL);
  if (g_event_loop)
    pthread_detach(t);
}

/* virConnectOpen has no timeout: to a stopped daemon (SIGSTOP, a hung
 * host) it blocks for ever, and keepalive only starts once it returns. So it
 * runs in a thread of its own that the caller stops waiting for after a
 * deadline or a signal; an abandoned opener closes what it gets late and
 * frees itself. */
typedef struct {
  pthread_mutex_t lock;
  pthread_cond_t cv;
  char *uri;
  virConnectPtr conn;
  char err[512];
  int done, abandoned;
} opener;

static void opener_free(opener *o)
{
  pthread_mutex_destroy(&o->lock);
  pthread_cond_destroy(&o->cv);
  free(o->uri);
  free(o);
}

static void *open_thread(void *arg)
{
  opener *o = arg;
  virConnectPtr c = virConnectOpen(o->uri);
  const char *m = c ? NULL : virGetLastErrorMessage();
  pthread_mutex_lock(&o->lock);
  if (!c)
    snprintf(o->err, sizeof(o->err), "%s", m ? m : "unknown libvirt error");
  o->conn = c;
  o->done = 1;
  int abandoned = o->abandoned;
  pthread_cond_signal(&o->cv);
  pthread_mutex_unlock(&o->lock);
  if (abandoned) {
    if (c)
      virConnectClose(c);
    opener_free(o);
  }
  return NULL;
}

/* Open `uri`, waiting at most `timeout_s` (< 0: no limit) and, if
 * `stop_on_signal`, not past a signal. NULL with the reason in err. */
static virConnectPtr open_timed(const char *uri, double timeout_s, int stop_on_signal, char *err, size_t err_len)
{
  opener *o = calloc(1, sizeof(*o));
  pthread_t t;
  sigset_t all, old;
  virConnectPtr c = NULL;
  if (!o || !(o->uri = strdup(uri))) {
    free(o);
    snprintf(err, err_len, "out of memory");
    return NULL;
  }
  pthread_mutex_init(&o->lock, NULL);
  pthread_cond_init(&o->cv, NULL);
  sigfillset(&all);
  pthread_sigmask(SIG_BLOCK, &all, &old); /* signals stay with the main thread */
  int started = pthread_create(&t, NULL, open_thread, o) == 0;
  pthread_sigmask(SIG_SETMASK, &old, NULL);
  if (!started) {
    opener_free(o);
    snprintf(err, err_len, "cannot start a thread");
    return NULL;
  }
  pthread_detach(t);
  double t0 = now_s();
  pthread_mutex_lock(&o->lock);
  while (!o->done && !(stop_on_signal && vs_interrupted()) && (timeout_s < 0 || now_s() - t0 < timeout_s)) {
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_nsec += 100000000; /* look at the clock and the signal flag ten times a second */
    if (until.tv_nsec >= 1000000000) {
      until.tv_sec++;
      until.tv_nsec -= 1000000000;
    }
    pthread_cond_timedwait(&o->cv, &o->lock, &until);
  }
  int done = o->done;
  if (done) {
    c = o->conn;
    if (!c)
      snprintf(err, err_len, "%s", o->err);
  } else {
    o->abandoned = 1;
    snprintf(err, err_len, "%s", vs_interrupted() && stop_on_signal ? "interrupted"
                                                                    : "libvirtd does not answer");
  }
  pthread_mutex_unlock(&o->lock);
  if (done)
    opener_free(o);
  return c;
}

static void on_close(virConnectPtr conn, int reason, void *opaque)
{
  (void)conn;
  atomic_store(&((host_t *)opaque)->closed, 1 + reason);
}

static int host_connect(host_t *h, double timeout_s, int stop_on_signal, char *err, size_t err_len)
{
  pthread_once(&g_event_once, event_loop_start);
  atomic_store(&h->closed, 0);
  if (!(h->conn = open_timed(h->uri, timeout_s, stop_on_signal, err, err_len)))
    return VS_ERROR;
  if (g_event_loop) {
    virConnectSetKeepAlive(h->conn, KEEPALIVE_INTERVAL_S, KEEPALIVE_COUNT);
    virConnectRegisterCloseCallback(h->conn, on_close, h, NULL);
  }
  /* A user's qemu:///session has no DAC driver (QEMU runs as that user
   * anyway): our static DAC label would be refused there. As root the
   * session URI reaches the system daemon, which has it. */
  char *caps = virConnectGetCapabilities(h->conn);
  h->dac = !caps || strstr(caps, "<model>dac</model>") != NULL;
  free(caps);
  return VS_OK;
}

static void host_disconnect(host_t *h)
{
  if (!h->conn)
    return;
  if (g_event_loop)
    virConnectUnregisterCloseCallback(h->conn, on_close);
  virConnectClose(h->conn);
  h->conn = NULL;
}

/* The connection is gone: closed by the daemon (restart, stop), dropped by
 * keepalive, or a call already failed on it. */
static int host_lost(host_t *h)
{
  return !h->conn || atomic_load(&h->closed) || virConnectIsAlive(h->conn) != 1;
}

static const char *lost_reason(host_t *h)
{
  switch (atomic_load(&h->closed) - 1) {
  case VIR_CONNECT_CLOSE_REASON_EOF: return "libvirtd closed it: restarted or stopped?";
  case VIR_CONNECT_CLOSE_REASON_KEEPALIVE: return "libvirtd stopped answering";
  case VIR_CONNECT_CLOSE_REASON_ERROR: return "a socket error";
  default: return "libvirtd restarted or stopped?";
  }
}

/* Open the host again, trying for up to the reconnect timeout: a daemon
 * being restarted takes a moment to listen again. */
static int host_reconnect(const vs_real *r, host_t *h)
{
  double t0 = now_s(), left;
  char err[512];
  host_disconnect(h);
  while ((left = r->opts.reconnect_timeout_s - (now_s() - t0)) > 0) {
    if (host_connect(h, left, 0, err, sizeof(err)) == VS_OK)
      return VS_OK;
    sleep_s(0.25);
  }
  return VS_ERROR;
}

/* Before an experiment: a connection lost since the last one (no domain of
 * ours was running then) is opened again. */
static int hosts_ready(vs_real *r)
{
  for (size_t i = 0; i < r->n_hosts; i++) {
    host_t *h = &r->hosts[i];
    if (!host_lost(h))
      continue;
    if (vs_interrupted()) /* no domain of ours runs: nothing to wait for */
      return vs_interrupt_error("before VMs were started");
    const char *why = lost_reason(h);
    if (host_reconnect(r, h) != VS_OK)
      return vs_error_set(VS_ERROR, "%s: lost the connection to libvirt (%s) and could not reconnect within %.0f s",
                          h->uri, why, r->opts.reconnect_timeout_s);
  }
  return VS_OK;
}

/* Destroy a domain: 1 when it is gone (now, or it had already vanished or
 * stopped), 0 when it may still run (libvirt could not be asked). */
static int domain_destroy(virDomainPtr d)
{
  if (virDomainDestroy(d) == 0)
    return 1;
  int code = virGetLastErrorCode();
  return code == VIR_ERR_NO_DOMAIN || code == VIR_ERR_OPERATION_INVALID;
}

/* Controller pids whose leftovers could not all be removed: their run
 * folders (the domains' disks) stay for a later run. */
typedef struct {
  long pid[64];
  size_t n;
} pid_set;

static void pid_set_add(pid_set *s, long pid)
{
  for (size_t i = 0; i < s->n; i++)
    if (s->pid[i] == pid)
      return;
  if (s->n < sizeof(s->pid) / sizeof(s->pid[0]))
    s->pid[s->n++] = pid;
}

static int pid_set_has(const pid_set *s, long pid)
{
  for (size_t i = 0; i < s->n; i++)
    if (s->pid[i] == pid)
      return 1;
  /* A full set cannot say: keep the folder rather than pull a disk from under a domain. */
  return s->n == sizeof(s->pid) / sizeof(s->pid[0]);
}

/* pid of the vdistorm run a QEMU process belongs to, from its
 * "-name guest=vdistorm-<pid>-...," argument; -1 if none. */
static long qemu_owner(const char *proc_pid)
{
  char path[300], buf[8192], name[128];
  snprintf(path, sizeof(path), "/proc/%s/cmdline", proc_pid);
  FILE *f = fopen(path, "r");
  size_t n = f ? fread(buf, 1, sizeof(buf) - 1, f) : 0;
  if (f)
    fclose(f);
  buf[n] = '\0';
  for (size_t i = 0; i < n; i += strlen(buf + i) + 1) {
    if (strcmp(buf + i, "-name") != 0 || i + 6 >= n)
      continue;
    const char *a = buf + i + 6;
    if (strncmp(a, "guest=", 6) != 0)
      return -1;
    snprintf(name, sizeof(name), "%.*s", (int)strcspn(a + 6, ","), a + 6);
    return vs_real_name_pid(name);
  }
  return -1;
}

static int process_running(long pid)
{
  char path[64], buf[512];
  snprintf(path, sizeof(path), "/proc/%ld/stat", pid);
  FILE *f = fopen(path, "r");
  size_t n = f ? fread(buf, 1, sizeof(buf) - 1, f) : 0;
  if (f)
    fclose(f);
  buf[n] = '\0';
  const char *p = strrchr(buf, ')');
  return p && p[1] == ' ' && p[2] != 'Z' && p[2] != 'X';
}

/* QEMU processes of dead runs that no libvirtd knows (any more): started
 * just before the daemon was killed, or left by a daemon that came back
 * without them. Only on this machine, after libvirt destroyed what it knows. */
static int kill_orphan_qemus(vs_real *r, pid_set *busy)
{
  long victims[256];
  size_t nv = 0;
  DIR *dp = opendir("/proc");
  struct dirent *e;
  while (dp && (e = readdir(dp)) && nv < sizeof(victims) / sizeof(victims[0])) {
    char *end;
    long qpid = strtol(e->d_name, &end, 10);
    if (*end || qpid <= 0)
      continue;
    long owner = qemu_owner(e->d_name);
    if (owner <= 0 || owner == r->pid || !pid_dead(owner) || !process_running(qpid))
      continue;
    if (kill((pid_t)qpid, SIGTERM) != 0) {
      pid_set_add(busy, owner);
      continue;
    }
    victims[nv++] = qpid;
    if (r->opts.events)
      fprintf(stderr, "real: stopped QEMU process %ld of dead vdistorm process %ld (unknown to libvirt)\n", qpid,
              owner);
  }
  if (dp)
    closedir(dp);
  /* QEMU closes its disks on SIGTERM; a hung one is killed. */
  for (double t0 = now_s(); now_s() - t0 < 3;) {
    size_t alive = 0;
    for (size_t i = 0; i < nv; i++)
      alive += process_running(victims[i]);
    if (!alive)
      return (int)nv;
    sleep_s(0.05);
  }
  for (size_t i = 0; i < nv; i++)
    if (process_running(victims[i]))
      kill((pid_t)victims[i], SIGKILL);
  return (int)nv;
}

int vs_real_cleanup_leftovers(vs_real *r, int *n_cleaned)
{
  pid_set busy = {.n = 0};
  int cleaned = 0, local = 0;
  for (size_t h = 0; h < r->n_hosts; h++) {
    virDomainPtr *doms = NULL;
    int n = virConnectListAllDomains(r->hosts[h].conn, &doms, 0);
    local |= r->hosts[h].local;
    if (n < 0)
      return vs_error_set(VS_ERROR, "%s: cannot list domains: %s", r->hosts[h].uri, virt_msg());
    for (int i = 0; i < n; i++) {
      const char *name = virDomainGetName(doms[i]);
      long pid = name ? vs_real_name_pid(name) : -1;
      if (pid > 0 && pid != r->pid && pid_dead(pid)) {
        /* Also when its disk is already gone (a run that lost libvirtd
         * removed it): destroying needs no disk. */
        int gone = domain_destroy(doms[i]);
        if (virDomainIsPersistent(doms[i]) == 1)
          virDomainUndefine(doms[i]);
        if (!gone) {
          pid_set_add(&busy, pid);
          if (r->opts.events)
            fprintf(stderr, "real: cannot destroy leftover domain %s of dead process %ld: %s\n", name, pid,
                    virt_msg());
        } else {
          cleaned++;
          if (r->opts.events)
            fprintf(stderr, "real: removed leftover domain %s of dead process %ld\n", name, pid);
        }
      }
      virDomainFree(doms[i]);
    }
    free(doms);
  }
  if (local)
    cleaned += kill_orphan_qemus(r, &busy);
  /* Run folders (overlays, console logs) of dead processes, unless one of
   * their domains is still running. */
  DIR *dp = opendir(r->image_dir);
  struct dirent *e;
  while (dp && (e = readdir(dp))) {
    char *end;
    if (strncmp(e->d_name, "run-", 4) != 0)
      continue;
    long pid = strtol(e->d_name + 4, &end, 10); /* the name is ours: digits, no sign */
    if (*end || pid <= 0 || pid == r->pid || !pid_dead(pid) || pid_set_has(&busy, pid))
      continue;
    char *path = join(r->image_dir, e->d_name);
    if (path)
      vs_fs_remove_tree(path);
    free(path);
  }
  if (dp)
    closedir(dp);
  if (n_cleaned)
    *n_cleaned = cleaned;
  return VS_OK;
}

/* ---- console logs ---- */

typedef struct {
  char *path;
  long off;
  char line[256];
  size_t len;
} console_t;

/* Read what the guest printed since last time; 1 = ready (uptime set),
 * -1 = the guest reported a failure, 0 = nothing yet. */
static int console_poll(console_t *c, double *uptime, char *fail, size_t fail_len)
{
  FILE *f = fopen(c->path, "r");
  int ch, state = 0;
  if (!f)
    return 0;
  if (fseek(f, c->off, SEEK_SET) != 0) {
    fclose(f);
    return 0;
  }
  while (state == 0 && (ch = fgetc(f)) != EOF) {
    c->off++;
    if (ch != '\n' && ch != '\r') {
      if (c->len < sizeof(c->line) - 1)
        c->line[c->len++] = (char)ch;
      continue;
    }
    c->line[c->len] = '\0';
    c->len = 0;
    const char *m;
    if ((m = strstr(c->line, VS_REAL_READY_MARKER))) {
      const char *u = strstr(m, "uptime=");
      *uptime = u ? strtod(u + 7, NULL) : -1; /* informative only */
      state = 1;
    } else if ((m = strstr(c->line, VS_REAL_FAIL_MARKER))) {
      snprintf(fail, fail_len, "%s", m);
      state = -1;
    }
  }
  fclose(f);
  return state;
}

/* ---- CPU accounting ---- */

/* Host CPU in seconds over all cores: busy and busy+idle. */
static int host_cpu(const host_t *h, double *busy, double *total)
{
  if (h->local) {
    unsigned long long v[10] = {0};
    FILE *f = fopen("/proc/stat", "r");
    int n = f ? fscanf(f, "cpu %llu %llu %llu %llu %llu %llu %llu %llu", &v[0], &v[1], &v[2], &v[3], &v[4],
                       &v[5], &v[6], &v[7])
              : 0;
    if (f)
      fclose(f);
    if (n < 5)
      return VS_ERROR;
    double hz = (double)sysconf(_SC_CLK_TCK), idle = (double)(v[3] + v[4]), all = 0;
    for (int i = 0; i < 8; i++)
      all += (double)v[i];
    *busy = (all - idle) / hz;
    *total = all / hz;
    return VS_OK;
  }
  int n = 0;
  if (virNodeGetCPUStats(h->conn, VIR_NODE_CPU_STATS_ALL_CPUS, NULL, &n, 0) < 0 || n <= 0)
    return VS_ERROR;
  virNodeCPUStatsPtr st = calloc((size_t)n, sizeof(*st));
  if (!st || virNodeGetCPUStats(h->conn, VIR_NODE_CPU_STATS_ALL_CPUS, st, &n, 0) < 0) {
    free(st);
    return VS_ERROR;
  }
  double b = 0, idle = 0;
  for (int i = 0; i < n; i++) {
    if (!strcmp(st[i].field, VIR_NODE_CPU_STATS_IDLE) || !strcmp(st[i].field, VIR_NODE_CPU_STATS_IOWAIT))
      idle += (double)st[i].value / 1e9;
    else if (!strcmp(st[i].field, VIR_NODE_CPU_STATS_KERNEL) || !strcmp(st[i].field, VIR_NODE_CPU_STATS_USER))
      b += (double)st[i].value / 1e9;
  }
  free(st);
  *busy = b;
  *total = b + idle;
  return VS_OK;
}

/* CPU seconds of a VM's QEMU process: /proc/PID/stat where the hypervisor is
 * local (the process the host overhead is measured against), else libvirt's
 * cpuTime, which is the same figure read by the remote daemon. */
static double vm_cpu(const host_t *h, virDomainPtr dom, const char *name, long *qpid)
{
  if (h->local && *qpid == 0) {
    char path[PATH_MAX];
    snprintf(path, sizeof(path), "/run/libvirt/qemu/%s.pid", name);
    FILE *f = fopen(path, "r");
    if (!f || fscanf(f, "%ld", qpid) != 1)
      *qpid = -1;
    if (f)
      fclose(f);
  }
  if (h->local && *qpid > 0) {
    char path[64], buf[1024];
    snprintf(path, sizeof(path), "/proc/%ld/stat", *qpid);
    FILE *f = fopen(path, "r");
    size_t n = f ? fread(buf, 1, sizeof(buf) - 1, f) : 0;
    if (f)
      fclose(f);
    buf[n] = '\0';
    /* Fields after the command name (which may hold spaces) start past ')'. */
    char *p = strrchr(buf, ')');
    unsigned long long ut, st;
    if (p && sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &ut, &st) == 2)
      return (double)(ut + st) / (double)sysconf(_SC_CLK_TCK);
  }
  virDomainInfo info;
  if (virDomainGetInfo(dom, &info) == 0)
    return (double)info.cpuTime / 1e9;
  return 0;
}

/* ---- open / probe ---- */

static int file_present(const char *path)
{
  struct stat st;
  return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

static int is_local_uri(const char *uri)
{
  /* driver:///path has no host part: the hypervisor is this machine. */
  const char *p = strstr(uri, "://");
  return p && p[3] == '/';
}

/* Boot a probe guest of type kvm and wait for its marker: nested
 * virtualisation can accept the domain and then never run it. */
static int probe_kvm(vs_real *r)
{
  char name[96], *log = NULL, *xml = NULL;
  virDomainPtr dom = NULL;
  int works = 0;
  vs_real_domain_spec sp = {"kvm", name, 128.0 * 1048576, 1, r->kernel, r->initrd, NULL, NULL, NULL,
                            "console=ttyS0 quiet panic=-1 vdistorm.probe=1", r->hosts[0].dac ? r->dac : NULL, 0};
  vs_real_domain_name(name, sizeof(name), r->pid, "probe", 0);
  if (!(log = join(r->workdir, "probe.log")))
    goto cleanup;
  sp.console_log = log;
  if (!(xml = vs_real_domain_xml(&sp)))
    goto cleanup;
  unlink(log);
  dom = virDomainCreateXML(r->hosts[0].conn, xml, 0);
  if (!dom)
    goto cleanup;
  console_t c = {log, 0, {0}, 0};
  double t0 = now_s(), up;
  char fail[128];
  while (!works && now_s() - t0 < r->opts.probe_timeout_s && !vs_interrupted()) {
    works = console_poll(&c, &up, fail, sizeof(fail)) == 1;
    sleep_s(0.1);
  }
cleanup:
  if (dom) {
    if (!domain_destroy(dom))
      r->kept = 1; /* the next run removes it */
    virDomainFree(dom);
  }
  if (log && !r->kept)
    unlink(log);
  free(log);
  free(xml);
  return works;
}

const char *vs_real_domain_type(const vs_real *r) { return r->type; }

void vs_real_free(vs_real *r)
{
  if (!r)
    return;
  for (size_t i = 0; i < r->n_hosts; i++)
    host_disconnect(&r->hosts[i]);
  /* Disks of domains that could not be destroyed stay: removing them under
   * a running QEMU leaves a domain no one can account for. */
  if (r->workdir && !r->kept)
    vs_fs_remove_tree(r->workdir);
  free(r->hosts);
  free(r->image_dir);
  free(r->kernel);
  free(r->initrd);
  free(r->base);
  free(r->workdir);
  free(r);
}

int vs_real_open(vs_real **out, const vs_scenario *sc, const vs_real_options *opts)
{
  static const char *default_uri = "qemu:///system";
  vs_real_options defaults = VS_REAL_OPTIONS_INIT;
  vs_real *r = calloc(1, sizeof(*r));
  char path[PATH_MAX], run[64];
  int rc = VS_OK;

  *out = NULL;
  if (!r)
    return vs_error_set(VS_ENOMEM, "out of memory");
  r->sc = sc;
  r->opts = opts ? *opts : defaults;
  r->pid = (long)getpid();
  virSetErrorFunc(NULL, quiet_libvirt);

  const char *dir = sc->real.image_dir ? sc->real.image_dir : "real/guest";
  if (!realpath(dir, path)) {
    rc = vs_error_set(VS_EIO, "%s: guest image folder missing (build it with: vdistorm real image -o %s)", dir,
                      dir);
    goto fail;
  }
  if (!(r->image_dir = strdup(path)) || !(r->kernel = join(path, "vmlinuz")) ||
      !(r->initrd = join(path, "initramfs.img")) || !(r->base = join(path, "base.qcow2"))) {
    rc = vs_error_set(VS_ENOMEM, "out of memory");
    goto fail;
  }
  /* QEMU runs as the owner of the guest files, and libvirt leaves their
   * labels alone: the default user (libvirt-qemu) cannot reach a folder
   * below a private parent (mktemp -d, a home directory), and relabelling
   * a base image shared by concurrent domains races. */
  struct stat st;
  if (stat(path, &st) != 0) {
    rc = vs_error_set(VS_EIO, "%s: cannot stat: %s", path, strerror(errno));
    goto fail;
  }
  snprintf(r->dac, sizeof(r->dac), "+%lu:+%lu", (unsigned long)st.st_uid, (unsigned long)st.st_gid);
  const char *need[] = {r->kernel, r->initrd, r->base};
  for (int i = 0; i < 3; i++)
    if (!file_present(need[i])) {
      rc = vs_error_set(VS_EIO, "%s: guest image missing (build it with: vdistorm real image -o %s)", need[i], dir);
      goto fail;
    }

  r->n_hosts = sc->real.n_uris ? sc->real.n_uris : 1;
  if (!(r->hosts = calloc(r->n_hosts, sizeof(*r->hosts)))) {
    rc = vs_error_set(VS_ENOMEM, "out of memory");
    goto fail;
  }
  for (size_t i = 0; i < r->n_hosts; i++) {
    host_t *h = &r->hosts[i];
    virNodeInfo ni;
    h->uri = sc->real.n_uris ? sc->real.uris[i] : default_uri;
    h->local = is_local_uri(h->uri);
    char err[512];
    /* No time limit (an ssh URI may ask for a password), but a signal ends the wait. */
    if (host_connect(h, -1, 1, err, sizeof(err)) != VS_OK) {
      rc = vs_interrupted() ? vs_interrupt_error("while connecting to %s", h->uri)
                            : vs_error_set(VS_ERROR, "libvirt unreachable at %s: %s (is libvirtd running?)", h->uri,
                                           err);
      goto fail;
    }
    h->ncpus = virNodeGetInfo(h->conn, &ni) == 0 && ni.cpus > 0 ? (int)ni.cpus : 1;
  }

  snprintf(run, sizeof(run), "run-%ld", r->pid);
  if (!(r->workdir = join(r->image_dir, run))) {
    rc = vs_error_set(VS_ENOMEM, "out of memory");
    goto fail;
  }
  if ((rc = vs_real_cleanup_leftovers(r, NULL)) != VS_OK)
    goto fail;
  /* 0711: QEMU (user libvirt-qemu) must reach the files libvirt labels for it. */
  if (mkdir(r->workdir, 0711) != 0 && errno != EEXIST) {
    rc = vs_error_set(VS_EIO, "%s: cannot create: %s", r->workdir, strerror(errno));
    goto fail;
  }

  switch (sc->real.domain_type) {
  case VS_DOMAIN_KVM: strcpy(r->type, "kvm"); break;
  case VS_DOMAIN_QEMU: strcpy(r->type, "qemu"); break;
  default:
    strcpy(r->type, probe_kvm(r) ? "kvm" : "qemu");
    if (r->opts.events && !vs_interrupted())
      fprintf(stderr, "real: domain type %s (%s)\n", r->type,
              strcmp(r->type, "kvm") ? "KVM did not boot a probe guest; using QEMU TCG" : "KVM works");
  }
  if (vs_interrupted()) {
    rc = vs_interrupt_error("while the hypervisors were opened");
    goto fail;
  }
  *out = r;
  return VS_OK;
fail:
  vs_real_free(r);
  return rc;
}

/* ---- one live run ---- */

typedef struct {
  virDomainPtr dom;
  host_t *host;
  console_t con;
  char *disk;
  char name[96];
  long qpid;
  int started, state; /* state: 0 booting, 1 ready, -1 failed or timed out */
  double cpu_prev, rd_prev;
  long long rd_bytes, rd_reqs;
  double io_read_B; /* its QEMU process's reads from storage (/proc/PID/io), or -1 */
} real_vm;

/* Bytes a local QEMU process made storage read (read_bytes of /proc/PID/io:
 * page-cache hits are not counted, so it tells a warm host cache from a
 * cold or bypassed one); -1 if unknown. */
static double proc_io_read_B(long qpid)
{
  char path[64], line[128];
  double v = -1;
  snprintf(path, sizeof(path), "/proc/%ld/io", qpid);
  FILE *f = qpid > 0 ? fopen(path, "r") : NULL;
  while (f && fgets(line, sizeof(line), f))
    if (sscanf(line, "read_bytes: %lf", &v) == 1)
      break;
  if (f)
    fclose(f);
  return v;
}

/* qemu-img's own lines never reach the terminal: its output (stderr
 * merged into the captured stdout by the shell, which core/spawn cannot do)
 * becomes the reason in our one-line error. */
static int make_disk(const vs_real *r, const char *disk)
{
  vs_spawn_options so = VS_SPAWN_OPTIONS_INIT;
  vs_buf out = VS_BUF_INIT;
  int status = 0, rc;
  char why[300] = "";
  so.max_out = 16 << 10;
  if (r->sc->real.disk == VS_DISK_FULL_COPY) {
    char *argv[] = {"/bin/sh", "-c", "exec \"$0\" \"$@\" 2>&1", "qemu-img", "convert", "-q", "-f", "qcow2",
                    "-O", "qcow2", r->base, (char *)disk, NULL};
    rc = vs_spawn_run(argv, &so, &out, &status);
  } else {
    char *argv[] = {"/bin/sh", "-c", "exec \"$0\" \"$@\" 2>&1", "qemu-img", "create", "-q", "-f", "qcow2",
                    "-F", "qcow2", "-b", r->base, (char *)disk, NULL};
    rc = vs_spawn_run(argv, &so, &out, &status);
  }
  if (rc == VS_OK && status != 0) {
    /* Killed by the same Ctrl-C that stopped us: that is the news. */
    if (vs_interrupted())
      rc = vs_interrupt_error("while the VMs' disks were made (every disk of this run is removed)");
    else {
      /* Its first line says why ("qemu-img: FILE: Could not open ..."). */
      const char *o = out.data ? out.data : "", *p = o + strspn(o, " \t\r\n");
      snprintf(why, sizeof(why), "%.*s", (int)strcspn(p, "\r\n"), p);
      if (!strncmp(why, "qemu-img: ", 10))
        memmove(why, why + 10, strlen(why + 10) + 1);
      rc = vs_error_set(VS_ERROR, "qemu-img could not make %s from %s: %s", disk, r->base,
                        why[0] ? why : status == 127 ? "qemu-img not found (apt-get install qemu-utils)"
                                                     : "it failed without saying why");
    }
  }
  vs_buf_clear(&out);
  return rc;
}

static void block_stats(real_vm *v)
{
  virDomainBlockStatsStruct st;
  if (v->dom && virDomainBlockStats(v->dom, "vda", &st, sizeof(st)) == 0) {
    v->rd_bytes = st.rd_bytes > 0 ? st.rd_bytes : 0;
    v->rd_reqs = st.rd_req > 0 ? st.rd_req : 0;
  }
}

typedef struct {
  vs_boot_result *res;
  size_t samples_cap, util_cap;
  double *prev_busy, *prev_total;
  double last_t;
} sampler;

/* One sample per second (and a last, shorter one at the end): host CPU from
 * the hypervisor, the VMs' QEMU processes, disk reads from block stats. */
static int take_sample(vs_real *r, sampler *sp, real_vm *vms, size_t n, double t)
{
  vs_boot_result *res = sp->res;
  size_t H = r->n_hosts;
  int rc;
  if ((rc = vs_array_reserve(&res->samples, &sp->samples_cap, res->n_samples + 1, sizeof(*res->samples))) != VS_OK ||
      (rc = vs_array_reserve(&res->host_util, &sp->util_cap, (res->n_samples + 1) * H, sizeof(double))) != VS_OK)
    return rc;
  vs_sample *s = &res->samples[res->n_samples];
  double *hu = &res->host_util[res->n_samples * H], vm_sum = 0, rd = 0;
  memset(s, 0, sizeof(*s));
  s->t_s = t;
  for (size_t h = 0; h < H; h++) {
    double busy, total, vm_cpu_s = 0;
    hu[h] = 0;
    for (size_t i = 0; i < n; i++) {
      real_vm *v = &vms[i];
      if (v->host != &r->hosts[h] || !v->dom)
        continue;
      double c = vm_cpu(v->host, v->dom, v->name, &v->qpid);
      if (v->state == 0 || c > v->cpu_prev) {
        vm_cpu_s += fmax(0, c - v->cpu_prev);
        v->cpu_prev = c;
      }
      if (v->state != 1) {
        block_stats(v);
        if (v->host->local)
          v->io_read_B = fmax(v->io_read_B, proc_io_read_B(v->qpid));
      }
      rd += (double)v->rd_bytes - v->rd_prev;
      v->rd_prev = (double)v->rd_bytes;
    }
    if (host_cpu(&r->hosts[h], &busy, &total) == VS_OK && total > sp->prev_total[h]) {
      double dt = total - sp->prev_total[h];
      hu[h] = fmin(1, (busy - sp->prev_busy[h]) / dt);
      vm_sum += fmin(1, vm_cpu_s / dt);
      sp->prev_busy[h] = busy;
      sp->prev_total[h] = total;
    }
    s->cpu_util_mean += hu[h] / (double)H;
    s->cpu_util_max = fmax(s->cpu_util_max, hu[h]);
  }
  s->host_overhead_cpu_util = fmax(0, s->cpu_util_mean - vm_sum / (double)H);
  s->disk_MBps = t > sp->last_t ? rd / 1e6 / (t - sp->last_t) : 0;
  for (size_t i = 0; i < n; i++) {
    s->booting += vms[i].started && vms[i].state == 0;
    s->ready += vms[i].state == 1;
  }
  res->n_samples++;
  sp->last_t = t;
  return VS_OK;
}

static void report(const vs_backend *b, const vs_boot_result *res, double t, size_t n)
{
  if (!b->progress)
    return;
  vs_boot_progress p = {.t_s = t, .total = (int)n, .elapsed_s = t};
  if (res->n_samples) {
    p.booting = res->samples[res->n_samples - 1].booting;
    p.ready = res->samples[res->n_samples - 1].ready;
  }
  p.done = n ? (double)p.ready / (double)n : 1.0;
  b->progress(b->progress_ctx, &p);
}

/* Start the next VMs whose time has come, within the launch limits. */
static int start_due(vs_real *r, const vs_boot_req *plan, size_t n, const vs_boot_limits *lim, real_vm *vms,
                     vs_boot_result *res, const char *cmdline, double t0, double *last_start)
{
  const vs_scenario *sc = r->sc;
  int booting = 0;
  for (size_t i = 0; i < n; i++)
    booting += vms[i].started && vms[i].state == 0;
  for (size_t i = 0; i < n; i++) {
    real_vm *v = &vms[i];
    double t = now_s() - t0;
    /* Each start takes a while (QEMU is spawned): a signal is honoured
     * between two starts, not after the whole pass. */
    if (vs_interrupted())
      return vs_interrupt_error("while VMs were started (every domain this run started is destroyed)");
    if (v->started || plan[i].start_s > t)
      continue;
    if ((lim->max_concurrent > 0 && booting >= lim->max_concurrent) || t - *last_start < lim->min_gap_s)
      break; /* in plan order: later VMs wait behind this one */
    vs_real_domain_spec spec = {.type = r->type, .name = v->name, .memory_B = sc->real.memory_B,
                                .vcpus = sc->real.vcpus, .kernel = r->kernel, .initrd = r->initrd, .disk = v->disk,
                                .disk_format = "qcow2", .console_log = v->con.path, .cmdline = cmdline,
                                .dac_label = v->host->dac ? r->dac : NULL, .host_cache = sc->real.host_cache};
    char *xml = vs_real_domain_xml(&spec);
    if (!xml)
      return vs_error_set(VS_ENOMEM, "out of memory");
    res->started_s[i] = *last_start = now_s() - t0;
    v->dom = virDomainCreateXML(v->host->conn, xml, 0);
    free(xml);
    v->started = 1; /* also on failure: the domain may exist if only the answer was lost */
    booting++;
    if (!v->dom && host_lost(v->host))
      return vs_error_set(VS_ERROR, "%s: lost the connection to libvirt while starting %s (%s)", v->host->uri,
                          v->name, lost_reason(v->host));
    if (!v->dom)
      return vs_error_set(VS_ERROR, "%s: cannot start domain %s: %s", v->host->uri, v->name, virt_msg());
  }
  return VS_OK;
}

/* Read the consoles: ready markers, failures, timeouts. Returns VMs done. */
static size_t poll_consoles(vs_real *r, real_vm *vms, size_t n, vs_boot_result *res, double t0, char *err,
                            size_t err_len)
{
  size_t done = 0;
  for (size_t i = 0; i < n; i++) {
    real_vm *v = &vms[i];
    if (v->state != 0) {
      done++;
      continue;
    }
    if (!v->started)
      continue;
    char fail[128];
    double uptime;
    int st = console_poll(&v->con, &uptime, fail, sizeof(fail));
    double t = now_s() - t0;
    if (st == 1) {
      res->ready_s[i] = t;
      v->state = 1;
      done++;
      block_stats(v);
    } else if (st < 0 || t - res->started_s[i] > r->sc->real.boot_timeout_s) {
      v->state = -1;
      done++;
      /* Keep the console of the first VM that failed: without it a hang
       * cannot be diagnosed once the run folder is gone. */
      if (!res->failure_log) {
        vs_buf log = VS_BUF_INIT;
        log.max = 64 << 10;
        if (vs_buf_read_file(&log, v->con.path) == VS_OK || log.data)
          res->failure_log = vs_buf_detach(&log);
        vs_buf_clear(&log);
        res->failure_vm = res->boots[i].vm;
      }
      if (!err[0] && st < 0)
        snprintf(err, err_len, "%s: VM %d (%s) %s", v->host->uri, res->boots[i].vm, v->name, fail);
      else if (!err[0])
        snprintf(err, err_len, "%s: VM %d (%s) never became ready within the %.0f s boot timeout", v->host->uri,
                 res->boots[i].vm, v->name, r->sc->real.boot_timeout_s);
    }
  }
  return done;
}

/* Destroy a started VM's domain, looked up by name when libvirt never
 * handed it over (the start failed, or the connection was opened again).
 * 1 when it is gone. */
static int vm_destroy(real_vm *v)
{
  if (!v->dom && !(v->dom = virDomainLookupByName(v->host->conn, v->name)))
    return virGetLastErrorCode() == VIR_ERR_NO_DOMAIN;
  return domain_destroy(v->dom);
}

/* Destroy every domain this run started, reconnecting to a host whose
 * connection was lost (once: it may take up to the reconnect timeout), and
 * remove the disks and logs of those known to be gone. Returns how many
 * may still run; their files stay for the next run's cleanup. */
static size_t destroy_vms(vs_real *r, real_vm *vms, size_t n, int *reconnected, char *why, size_t why_len)
{
  size_t left = 0;
  *reconnected = 0;
  why[0] = '\0';
  for (size_t h = 0; h < r->n_hosts; h++) {
    host_t *host = &r->hosts[h];
    int tried = 0;
    for (size_t i = 0; i < n; i++) {
      real_vm *v = &vms[i];
      if (v->host != host || !v->started || !host->conn)
        continue;
      if (vm_destroy(v))
        v->started = 0; /* gone: its disk and log can go */
      else if (!why[0] && !host_lost(host))
        snprintf(why, why_len, "%s", virt_msg());
      if (v->started && !tried && host_lost(host)) {
        /* Our old handles died with the connection: look the names up anew. */
        tried = 1;
        for (size_t k = 0; k < n; k++)
          if (vms[k].host == host && vms[k].dom) {
            virDomainFree(vms[k].dom);
            vms[k].dom = NULL;
          }
        if (host_reconnect(r, host) == VS_OK) {
          *reconnected = 1;
          i = (size_t)-1; /* again from the first VM of this host */
        } else if (!why[0])
          snprintf(why, why_len, "libvirt unreachable at %s for %.0f s", host->uri, r->opts.reconnect_timeout_s);
      }
    }
  }
  for (size_t i = 0; i < n; i++) {
    real_vm *v = &vms[i];
    if (v->dom)
      virDomainFree(v->dom);
    v->dom = NULL;
    if (v->started) { /* may still run: its disk and log stay for the next run */
      left++;
      continue;
    }
    if (v->disk)
      unlink(v->disk);
    if (v->con.path)
      unlink(v->con.path);
  }
  return left;
}

static void free_vms(real_vm *vms, size_t n)
{
  for (size_t i = 0; vms && i < n; i++) {
    free(vms[i].disk);
    free(vms[i].con.path);
  }
  free(vms);
}

/* The host of a VM: one hypervisor URI per scenario host, never wrapped
 * around (a schedule for four hosts does not run on one by accident). */
static int check_hosts(const vs_real *r, const vs_boot_req *plan, size_t n)
{
  for (size_t i = 0; i < n; i++)
    if (plan[i].host < 0 || (size_t)plan[i].host >= r->n_hosts)
      return vs_error_set(VS_EINPUT,
                          "VM %d is placed on host-%d but the real: section names %zu hypervisor URI%s "
                          "(give one real.uri per host used, host-0 first)",
                          plan[i].vm, plan[i].host, r->n_hosts, r->n_hosts == 1 ? "" : "s");
  return VS_OK;
}

/* A connection lost while domains of ours run fails the experiment: the
 * host was disturbed, and its domains are destroyed after reconnecting. */
static int check_connections(vs_real *r)
{
  for (size_t h = 0; h < r->n_hosts; h++)
    if (host_lost(&r->hosts[h]))
      return vs_error_set(VS_ERROR, "%s: lost the connection to libvirt while VMs were booting (%s)", r->hosts[h].uri,
                          lost_reason(&r->hosts[h]));
  return VS_OK;
}

static int real_boot(vs_backend *b, const vs_boot_req *plan, size_t n, const vs_boot_limits *limits,
                     vs_boot_result **out)
{
  vs_real *r = b->impl;
  const vs_scenario *sc = r->sc;
  vs_boot_limits lim = VS_BOOT_LIMITS_INIT;
  vs_boot_result *res = vs_boot_result_new(plan, n);
  real_vm *vms = calloc(n ? n : 1, sizeof(*vms));
  sampler sp = {.res = res};
  char cmdline[256], label[64], err[512] = "", why[300];
  int rc = VS_OK, run = ++r->runs, reconnected = 0;
  size_t left = 0;

  *out = NULL;
  if (limits)
    lim = *limits;
  sp.prev_busy = calloc(r->n_hosts, sizeof(double));
  sp.prev_total = calloc(r->n_hosts, sizeof(double));
  if (!res || !vms || !sp.prev_busy || !sp.prev_total) {
    rc = vs_error_set(VS_ENOMEM, "out of memory");
    goto cleanup;
  }
  for (size_t i = 0; i < n; i++)
    vms[i].io_read_B = -1;
  if ((rc = check_hosts(r, plan, n)) != VS_OK || (rc = hosts_ready(r)) != VS_OK)
    goto cleanup;
  res->backend = "libvirt";
  /* A literal: the result outlives this session (printed after vs_real_free). */
  res->domain_type = strcmp(r->type, "kvm") ? "qemu" : "kvm";
  res->n_hosts = (int)r->n_hosts;
  snprintf(label, sizeof(label), "%s.%d", sc->name ? sc->name : "run", run);
  snprintf(cmdline, sizeof(cmdline), "console=ttyS0 quiet panic=-1 vdistorm.ws_kib=%.0f vdistorm.cpu_mb=%.0f",
           ceil(sc->real.working_set_B / 1024.0), floor(sc->real.guest_cpu_work_f / VS_REAL_CYCLES_PER_MB));

  /* Disks first: copying is not part of the boot being measured. A full
   * copy takes seconds per VM, so a signal is honoured between two. */
  for (size_t i = 0; i < n; i++) {
    real_vm *v = &vms[i];
    char file[128];
    if (vs_interrupted()) {
      rc = vs_interrupt_error("while the VMs' disks were made (every disk of this run is removed)");
      goto cleanup;
    }
    res->ready_s[i] = NAN;
    vs_real_domain_name(v->name, sizeof(v->name), r->pid, label, plan[i].vm);
    v->host = &r->hosts[plan[i].host];
    snprintf(file, sizeof(file), "%s.qcow2", v->name);
    v->disk = join(r->workdir, file);
    snprintf(file, sizeof(file), "%s.log", v->name);
    v->con.path = join(r->workdir, file);
    if (!v->disk || !v->con.path) {
      rc = vs_error_set(VS_ENOMEM, "out of memory");
      goto cleanup;
    }
    unlink(v->con.path);
    if ((rc = make_disk(r, v->disk)) != VS_OK)
      goto cleanup;
  }
  for (size_t h = 0; h < r->n_hosts; h++)
    host_cpu(&r->hosts[h], &sp.prev_busy[h], &sp.prev_total[h]);

  double t0 = now_s(), next_sample = 1.0, last_start = -INFINITY;
  size_t done = 0;
  while (done < n) {
    if (vs_interrupted()) {
      rc = vs_interrupt_error("while VMs were booting (every domain this run started is destroyed)");
      goto cleanup;
    }
    if ((rc = check_connections(r)) != VS_OK ||
        (rc = start_due(r, plan, n, &lim, vms, res, cmdline, t0, &last_start)) != VS_OK)
      goto cleanup;
    done = poll_consoles(r, vms, n, res, t0, err, sizeof(err));
    double t = now_s() - t0;
    if (t >= next_sample || done == n) {
      if ((rc = take_sample(r, &sp, vms, n, t)) != VS_OK)
        goto cleanup;
      report(b, res, t, n);
      next_sample = floor(t) + 1.0;
    }
    if (done < n)
      sleep_s(0.05);
  }
  res->storage_read_B = 0;
  for (size_t i = 0; i < n; i++) {
    res->read_B[i] = (double)vms[i].rd_bytes;
    res->storage_read_B = vms[i].io_read_B >= 0 && res->storage_read_B >= 0 ? res->storage_read_B + vms[i].io_read_B : -1;
  }
  vs_boot_result_summarize(res, sc);
  snprintf(res->failure, sizeof(res->failure), "%.*s", (int)sizeof(res->failure) - 1, err); /* truncated on purpose */

cleanup:
  /* Always: destroy every domain we started and remove its disk and log. */
  if (vms && (left = destroy_vms(r, vms, n, &reconnected, why, sizeof(why))) > 0) {
    /* One line still: what went wrong first, then what is left and who
     * removes it. An interrupted run keeps its exit code. */
    r->kept = 1;
    if (rc == VS_OK)
      rc = vs_error_set(VS_ERROR, "the VMs were measured but not all could be stopped");
    rc = vs_error_set(rc, "%s; %zu domain%s could not be destroyed (%s): the next 'vdistorm real' removes %s and %s "
                      "disk%s in %s",
                      vs_error_last(), left, left == 1 ? "" : "s", why[0] ? why : "unknown libvirt error",
                      left == 1 ? "it" : "them", left == 1 ? "its" : "their", left == 1 ? "" : "s", r->workdir);
  } else if (reconnected && rc != VS_OK)
    rc = vs_error_set(rc, "%s; reconnected and destroyed this run's domains", vs_error_last());
  free_vms(vms, n);
  free(sp.prev_busy);
  free(sp.prev_total);
  if (rc != VS_OK) {
    vs_boot_result_free(res);
    return rc;
  }
  *out = res;
  return VS_OK;
}

int vs_real_run(const vs_scenario *sc, const vs_real_options *opts, vs_backend_fn study, void *payload)
{
  vs_real *r = NULL;
  struct sigaction ign = {.sa_handler = SIG_IGN}, old_pipe;
  int rc;
  vs_interrupt_install();
  /* A write to libvirtd's socket after it died, or to a closed terminal's
   * pipe (ssh gone), raises SIGPIPE: it must fail that write, not kill us
   * with our domains still running. */
  sigemptyset(&ign.sa_mask);
  sigaction(SIGPIPE, &ign, &old_pipe);
  if ((rc = vs_real_open(&r, sc, opts)) == VS_OK) {
    vs_backend b = {.name = "libvirt", .sc = sc, .boot = real_boot, .impl = r};
    if (opts) {
      b.progress = opts->progress;
      b.progress_ctx = opts->progress_ctx;
    }
    rc = study(&b, payload);
    vs_real_free(r);
  }
  sigaction(SIGPIPE, &old_pipe, NULL);
  return rc;
}

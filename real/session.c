/* Connections, the domain-type probe, leftover cleanup and the live run.
 *
 * Every domain is transient and named vdistorm-<pid>-<label>-<vm>; its disk
 * (an overlay or a copy) and console log live in <image>/run-<pid>/. A run
 * always ends in the same cleanup path -- success, error, boot timeout or
 * SIGINT/SIGTERM (the handler only sets a flag the run loop polls) -- and a
 * run that died anyway (SIGKILL, power loss) leaves names whose pid is dead,
 * which the next vs_real_open() destroys and removes. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <signal.h>
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

int vs_real_cleanup_leftovers(vs_real *r, int *n_cleaned)
{
  int cleaned = 0;
  for (size_t h = 0; h < r->n_hosts; h++) {
    virDomainPtr *doms = NULL;
    int n = virConnectListAllDomains(r->hosts[h].conn, &doms, 0);
    if (n < 0)
      return vs_error_set(VS_ERROR, "%s: cannot list domains: %s", r->hosts[h].uri, virt_msg());
    for (int i = 0; i < n; i++) {
      const char *name = virDomainGetName(doms[i]);
      long pid = name ? vs_real_name_pid(name) : -1;
      if (pid > 0 && pid != r->pid && pid_dead(pid)) {
        if (virDomainIsActive(doms[i]) == 1)
          virDomainDestroy(doms[i]);
        if (virDomainIsPersistent(doms[i]) == 1)
          virDomainUndefine(doms[i]);
        cleaned++;
        if (r->opts.events)
          fprintf(stderr, "real: removed leftover domain %s of dead process %ld\n", name, pid);
      }
      virDomainFree(doms[i]);
    }
    free(doms);
  }
  /* Run folders (overlays, console logs) of dead processes. */
  DIR *dp = opendir(r->image_dir);
  struct dirent *e;
  while (dp && (e = readdir(dp))) {
    char *end;
    if (strncmp(e->d_name, "run-", 4) != 0)
      continue;
    long pid = strtol(e->d_name + 4, &end, 10); /* the name is ours: digits, no sign */
    if (*end || pid <= 0 || pid == r->pid || !pid_dead(pid))
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
                            "console=ttyS0 quiet panic=-1 vdistorm.probe=1", r->dac};
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
    virDomainDestroy(dom);
    virDomainFree(dom);
  }
  if (log)
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
    if (r->hosts[i].conn)
      virConnectClose(r->hosts[i].conn);
  if (r->workdir)
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
    if (!(h->conn = virConnectOpen(h->uri))) {
      rc = vs_error_set(VS_ERROR, "libvirt unreachable at %s: %s (is libvirtd running?)", h->uri, virt_msg());
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
    if (r->opts.events)
      fprintf(stderr, "real: domain type %s (%s)\n", r->type,
              strcmp(r->type, "kvm") ? "KVM did not boot a probe guest; using QEMU TCG" : "KVM works");
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
} real_vm;

static int make_disk(const vs_real *r, const char *disk)
{
  vs_spawn_options so = VS_SPAWN_OPTIONS_INIT;
  int status = 0, rc;
  so.search_path = 1;
  so.quiet_stderr = 1; /* its own messages would break our one-line errors */
  if (r->sc->real.disk == VS_DISK_FULL_COPY) {
    char *argv[] = {"qemu-img", "convert", "-q", "-f", "qcow2", "-O", "qcow2", r->base, (char *)disk, NULL};
    rc = vs_spawn_run(argv, &so, NULL, &status);
  } else {
    char *argv[] = {"qemu-img", "create", "-q", "-f", "qcow2", "-F", "qcow2", "-b", r->base, (char *)disk, NULL};
    rc = vs_spawn_run(argv, &so, NULL, &status);
  }
  if (rc == VS_OK && status != 0)
    rc = vs_error_set(VS_ERROR, "qemu-img could not make %s from %s (exit status %d)", disk, r->base, status);
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
      if (v->state != 1)
        block_stats(v);
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
  for (size_t i = 0; i < n && !vs_interrupted(); i++) {
    real_vm *v = &vms[i];
    double t = now_s() - t0;
    if (v->started || plan[i].start_s > t)
      continue;
    if ((lim->max_concurrent > 0 && booting >= lim->max_concurrent) || t - *last_start < lim->min_gap_s)
      break; /* in plan order: later VMs wait behind this one */
    vs_real_domain_spec spec = {.type = r->type, .name = v->name, .memory_B = sc->real.memory_B,
                                .vcpus = sc->real.vcpus, .kernel = r->kernel, .initrd = r->initrd, .disk = v->disk,
                                .disk_format = "qcow2", .console_log = v->con.path, .cmdline = cmdline,
                                .dac_label = r->dac};
    char *xml = vs_real_domain_xml(&spec);
    if (!xml)
      return vs_error_set(VS_ENOMEM, "out of memory");
    res->started_s[i] = *last_start = now_s() - t0;
    v->dom = virDomainCreateXML(v->host->conn, xml, 0);
    free(xml);
    v->started = 1;
    booting++;
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

static void destroy_vms(real_vm *vms, size_t n)
{
  for (size_t i = 0; vms && i < n; i++) {
    if (vms[i].dom) {
      virDomainDestroy(vms[i].dom);
      virDomainFree(vms[i].dom);
    }
    if (vms[i].disk)
      unlink(vms[i].disk);
    if (vms[i].con.path)
      unlink(vms[i].con.path);
    free(vms[i].disk);
    free(vms[i].con.path);
  }
  free(vms);
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
  char cmdline[256], label[64], err[512] = "";
  int rc = VS_OK, run = ++r->runs;

  *out = NULL;
  if (limits)
    lim = *limits;
  sp.prev_busy = calloc(r->n_hosts, sizeof(double));
  sp.prev_total = calloc(r->n_hosts, sizeof(double));
  if (!res || !vms || !sp.prev_busy || !sp.prev_total) {
    rc = vs_error_set(VS_ENOMEM, "out of memory");
    goto cleanup;
  }
  res->backend = "libvirt";
  res->domain_type = r->type;
  res->n_hosts = (int)r->n_hosts;
  snprintf(label, sizeof(label), "%s.%d", sc->name ? sc->name : "run", run);
  snprintf(cmdline, sizeof(cmdline), "console=ttyS0 quiet panic=-1 vdistorm.ws_kib=%.0f vdistorm.cpu_mb=%.0f",
           ceil(sc->real.working_set_B / 1024.0), floor(sc->real.guest_cpu_work_f / VS_REAL_CYCLES_PER_MB));

  /* Disks first: copying is not part of the boot being measured. */
  for (size_t i = 0; i < n; i++) {
    real_vm *v = &vms[i];
    char file[128];
    res->ready_s[i] = NAN;
    vs_real_domain_name(v->name, sizeof(v->name), r->pid, label, plan[i].vm);
    v->host = &r->hosts[(size_t)plan[i].host % r->n_hosts];
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
    if ((rc = start_due(r, plan, n, &lim, vms, res, cmdline, t0, &last_start)) != VS_OK)
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
  for (size_t i = 0; i < n; i++)
    res->read_B[i] = (double)vms[i].rd_bytes;
  vs_boot_result_summarize(res, sc);
  snprintf(res->failure, sizeof(res->failure), "%.*s", (int)sizeof(res->failure) - 1, err); /* truncated on purpose */

cleanup:
  /* Always: destroy every domain we started and remove its disk and log. */
  destroy_vms(vms, n);
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
  int rc;
  vs_interrupt_install();
  if ((rc = vs_real_open(&r, sc, opts)) != VS_OK)
    return rc;
  vs_backend b = {.name = "libvirt", .sc = sc, .boot = real_boot, .impl = r};
  if (opts) {
    b.progress = opts->progress;
    b.progress_ctx = opts->progress_ctx;
  }
  rc = study(&b, payload);
  vs_real_free(r);
  return rc;
}

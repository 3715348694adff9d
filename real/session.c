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

#include "core/error.h"
#include "core/fsutil.h"
#include "real/real.h"

/* The only global: set by the signal handler, polled by the run loop. */
static volatile sig_atomic_t g_interrupted;

static void on_signal(int sig) { g_interrupted = sig; }

void vs_real_install_signal_handlers(void)
{
  struct sigaction sa;
  memset(&sa, 0, sizeof(sa));
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, NULL);
  sigaction(SIGTERM, &sa, NULL);
}

int vs_real_interrupted(void) { return g_interrupted != 0; }

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

/* Run a program without a shell; 0 when it exited with status 0. (fork and
 * exec rather than posix_spawn: models/sched.h shadows <sched.h>.) */
static int spawn_wait(char *const argv[])
{
  pid_t pid = fork();
  int status;
  if (pid < 0)
    return vs_error_set(VS_ERROR, "cannot run %s: %s", argv[0], strerror(errno));
  if (pid == 0) {
    execvp(argv[0], argv);
    _exit(127);
  }
  while (waitpid(pid, &status, 0) < 0)
    if (errno != EINTR)
      return vs_error_set(VS_ERROR, "%s: wait failed: %s", argv[0], strerror(errno));
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
    return vs_error_set(VS_ERROR, "%s failed (status %d)", argv[0], status);
  return VS_OK;
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
        if (r->opts.progress)
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
  while (!works && now_s() - t0 < r->opts.probe_timeout && !g_interrupted) {
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
    if (r->opts.progress)
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
  long qpid;
  int started, state; /* state: 0 booting, 1 ready, -1 failed or timed out */
  double cpu_prev, rd_prev;
  long long rd_bytes, rd_reqs;
} vm_t;

void vs_real_result_free(vs_real_result *res)
{
  if (!res)
    return;
  free(res->vms);
  free(res->samples);
  free(res);
}

static int make_disk(const vs_real *r, const char *disk)
{
  if (r->sc->real.disk == VS_DISK_FULL_COPY) {
    char *argv[] = {"qemu-img", "convert", "-q", "-f", "qcow2", "-O", "qcow2", r->base, (char *)disk, NULL};
    return spawn_wait(argv);
  }
  char *argv[] = {"qemu-img", "create", "-q", "-f", "qcow2", "-F", "qcow2", "-b", r->base, (char *)disk, NULL};
  return spawn_wait(argv);
}

static void block_stats(vm_t *v)
{
  virDomainBlockStatsStruct st;
  if (v->dom && virDomainBlockStats(v->dom, "vda", &st, sizeof(st)) == 0) {
    v->rd_bytes = st.rd_bytes > 0 ? st.rd_bytes : 0;
    v->rd_reqs = st.rd_req > 0 ? st.rd_req : 0;
  }
}

int vs_real_boot(vs_real *r, const vs_real_req *plan, size_t n, vs_real_result **out)
{
  const vs_scenario *sc = r->sc;
  vs_real_result *res = calloc(1, sizeof(*res));
  vm_t *vms = calloc(n ? n : 1, sizeof(*vms));
  double *prev_busy = calloc(r->n_hosts, sizeof(double)), *prev_total = calloc(r->n_hosts, sizeof(double));
  double *host_util = NULL; /* [sample][host] for the rolling peak */
  size_t cap = 0;
  char cmdline[256], label[64], errmsg[512] = "";
  int rc = VS_OK, run = ++r->runs;

  *out = NULL;
  if (!res || !vms || !prev_busy || !prev_total || !(res->vms = calloc(n ? n : 1, sizeof(*res->vms)))) {
    rc = vs_error_set(VS_ENOMEM, "out of memory");
    goto cleanup;
  }
  res->n_vms = n;
  res->domain_type = r->type;
  res->n_hosts = (int)r->n_hosts;
  snprintf(label, sizeof(label), "%s.%d", sc->name ? sc->name : "run", run);
  snprintf(cmdline, sizeof(cmdline), "console=ttyS0 quiet panic=-1 vdistorm.ws_kib=%.0f vdistorm.cpu_mb=%.0f",
           ceil(sc->real.working_set / 1024.0), floor(sc->real.guest_cpu_work / VS_REAL_CYCLES_PER_MB));

  /* Disks first: copying is not part of the boot being measured. */
  for (size_t i = 0; i < n; i++) {
    vs_real_vm *o = &res->vms[i];
    char file[128];
    o->vm = plan[i].vm;
    o->host = plan[i].host % (int)r->n_hosts;
    o->start = plan[i].start;
    o->ready = o->guest_uptime = -1;
    vs_real_domain_name(o->name, sizeof(o->name), r->pid, label, plan[i].vm);
    vms[i].host = &r->hosts[o->host];
    snprintf(file, sizeof(file), "%s.qcow2", o->name);
    vms[i].disk = join(r->workdir, file);
    snprintf(file, sizeof(file), "%s.log", o->name);
    vms[i].con.path = join(r->workdir, file);
    if (!vms[i].disk || !vms[i].con.path) {
      rc = vs_error_set(VS_ENOMEM, "out of memory");
      goto cleanup;
    }
    unlink(vms[i].con.path);
    if ((rc = make_disk(r, vms[i].disk)) != VS_OK)
      goto cleanup;
  }
  for (size_t h = 0; h < r->n_hosts; h++)
    host_cpu(&r->hosts[h], &prev_busy[h], &prev_total[h]);

  double t0 = now_s(), next_sample = 1.0, last_sample = 0;
  size_t done = 0;
  while (done < n) {
    if (g_interrupted) {
      rc = vs_error_set(VS_ERROR, "interrupted by signal %d; domains destroyed", (int)g_interrupted);
      goto cleanup;
    }
    double t = now_s() - t0;
    for (size_t i = 0; i < n; i++) {
      vm_t *v = &vms[i];
      vs_real_vm *o = &res->vms[i];
      if (!v->started && plan[i].start <= t) {
        vs_real_domain_spec sp = {r->type, o->name, sc->real.memory, sc->real.vcpus, r->kernel, r->initrd,
                                  v->disk, "qcow2", v->con.path, cmdline, r->dac};
        char *xml = vs_real_domain_xml(&sp);
        if (!xml) {
          rc = vs_error_set(VS_ENOMEM, "out of memory");
          goto cleanup;
        }
        o->start = now_s() - t0;
        v->dom = virDomainCreateXML(v->host->conn, xml, 0);
        free(xml);
        v->started = 1;
        if (!v->dom) {
          rc = vs_error_set(VS_ERROR, "%s: cannot start domain %s: %s", v->host->uri, o->name, virt_msg());
          goto cleanup;
        }
        if (r->opts.progress)
          fprintf(stderr, "real: %7.1f s  started %s (%s)\n", o->start, o->name, r->type);
      }
      if (v->started && v->state == 0) {
        char fail[128];
        int st = console_poll(&v->con, &o->guest_uptime, fail, sizeof(fail));
        double tn = now_s() - t0;
        if (st == 1) {
          o->ready = tn;
          v->state = 1;
          done++;
          block_stats(v);
          if (r->opts.progress)
            fprintf(stderr, "real: %7.1f s  %s ready after %.1f s\n", tn, o->name, tn - o->start);
        } else if (st < 0 || tn - o->start > sc->real.boot_timeout) {
          v->state = -1;
          done++;
          res->not_ready++;
          if (!errmsg[0])
            snprintf(errmsg, sizeof(errmsg), "%s: VM %d (%s) %s", v->host->uri, o->vm, o->name,
                     st < 0 ? fail : "never became ready");
          if (st >= 0)
            snprintf(errmsg + strlen(errmsg), sizeof(errmsg) - strlen(errmsg), " within the %.0f s boot timeout",
                     sc->real.boot_timeout);
          if (r->opts.progress)
            fprintf(stderr, "real: %7.1f s  %s NOT ready\n", tn, o->name);
        }
      }
    }
    t = now_s() - t0;
    if (t >= next_sample || done == n) {
      /* One sample per second (and a last, shorter one at the end). */
      if (res->n_samples == cap) {
        size_t ncap = cap ? cap * 2 : 64;
        vs_real_sample *s = realloc(res->samples, ncap * sizeof(*s));
        double *hu = s ? realloc(host_util, ncap * r->n_hosts * sizeof(double)) : NULL;
        if (s)
          res->samples = s;
        if (!s || !hu) {
          rc = vs_error_set(VS_ENOMEM, "out of memory");
          goto cleanup;
        }
        host_util = hu;
        cap = ncap;
      }
      vs_real_sample *s = &res->samples[res->n_samples];
      double *hu = &host_util[res->n_samples * r->n_hosts], vm_sum = 0, rd = 0;
      memset(s, 0, sizeof(*s));
      s->t = t;
      for (size_t h = 0; h < r->n_hosts; h++) {
        double busy, total;
        double vm_cpu_s = 0;
        hu[h] = 0;
        for (size_t i = 0; i < n; i++) {
          vm_t *v = &vms[i];
          if (v->host != &r->hosts[h] || !v->dom)
            continue;
          double c = vm_cpu(v->host, v->dom, res->vms[i].name, &v->qpid);
          if (v->state == 0 || c > v->cpu_prev) {
            vm_cpu_s += fmax(0, c - v->cpu_prev);
            v->cpu_prev = c;
          }
          if (v->state != 1)
            block_stats(v);
          rd += (double)v->rd_bytes - v->rd_prev;
          v->rd_prev = (double)v->rd_bytes;
        }
        if (host_cpu(&r->hosts[h], &busy, &total) == VS_OK && total > prev_total[h]) {
          double dt = total - prev_total[h];
          hu[h] = fmin(1, (busy - prev_busy[h]) / dt);
          vm_sum += fmin(1, vm_cpu_s / dt);
          prev_busy[h] = busy;
          prev_total[h] = total;
        }
        s->cpu_util_mean += hu[h] / (double)r->n_hosts;
        s->cpu_util_max = fmax(s->cpu_util_max, hu[h]);
      }
      s->vm_cpu_util = vm_sum / (double)r->n_hosts;
      s->host_overhead_cpu_util = fmax(0, s->cpu_util_mean - s->vm_cpu_util);
      s->disk_MBps = t > last_sample ? rd / 1e6 / (t - last_sample) : 0;
      for (size_t i = 0; i < n; i++) {
        s->booting += vms[i].started && vms[i].state == 0;
        s->ready += vms[i].state == 1;
      }
      res->n_samples++;
      last_sample = t;
      next_sample = floor(t) + 1.0;
    }
    if (done < n)
      sleep_s(0.05);
  }

  /* Summary, the simulator's way (sim/sim.h). */
  double first = INFINITY, last = 0, sum = 0;
  int ready = 0;
  for (size_t i = 0; i < n; i++) {
    vs_real_vm *o = &res->vms[i];
    o->read_bytes = (double)vms[i].rd_bytes;
    o->read_reqs = (double)vms[i].rd_reqs;
    res->read_bytes += o->read_bytes;
    first = fmin(first, o->start);
    if (o->ready < 0)
      continue;
    ready++;
    last = fmax(last, o->ready);
    sum += o->ready - o->start;
    res->max_boot_s = fmax(res->max_boot_s, o->ready - o->start);
  }
  res->all_ready_s = ready ? last - first : 0;
  res->mean_ready_s = ready ? sum / ready : 0;
  res->disks_used = 0;
  for (size_t h = 0; h < r->n_hosts; h++)
    for (size_t i = 0; i < n; i++)
      if (res->vms[i].host == (int)h) {
        res->disks_used++;
        break;
      }
  if (res->all_ready_s > 0) {
    res->total_disk_MBps = res->read_bytes / 1e6 / res->all_ready_s;
    res->mean_disk_MBps = res->total_disk_MBps / (res->disks_used ? res->disks_used : 1);
  }
  int win = (int)fmax(1, round(sc->storm.cpu_window));
  for (size_t h = 0; h < r->n_hosts; h++)
    for (size_t s = 0; s < res->n_samples; s++) {
      size_t from = s + 1 >= (size_t)win ? s + 1 - (size_t)win : 0;
      double m = 0;
      for (size_t j = from; j <= s; j++)
        m += host_util[j * r->n_hosts + h];
      res->peak_cpu_util = fmax(res->peak_cpu_util, m / (double)(s - from + 1));
    }
  for (size_t s = 0; s < res->n_samples; s++) {
    res->host_overhead_cpu_util += res->samples[s].host_overhead_cpu_util / (double)res->n_samples;
    res->peak_host_overhead_cpu_util = fmax(res->peak_host_overhead_cpu_util, res->samples[s].host_overhead_cpu_util);
  }
  if (res->not_ready)
    vs_error_set(VS_ERROR, "%s", errmsg);

cleanup:
  /* Always: destroy every domain we started and remove its disk and log. */
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
  free(prev_busy);
  free(prev_total);
  free(host_util);
  if (rc != VS_OK) {
    vs_real_result_free(res);
    return rc;
  }
  *out = res;
  return VS_OK;
}

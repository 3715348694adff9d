/* The live backend.
 *   test_real unit                       XML escaping, domain names
 *   test_real live VDISTORM SRCDIR       real boots through libvirt
 *   test_real signals VDISTORM SRCDIR    SIGTERM, SIGHUP (closed terminal,
 *                                        gone ssh pipe), Ctrl-C while disks
 *                                        are made and while VMs are started
 *   test_real libvirtd VDISTORM SRCDIR   libvirtd restarted during a boot,
 *                                        stopped for longer than we wait, hung
 *   test_real killed VDISTORM SRCDIR     a SIGKILLed run's leftovers removed
 *                                        by the next run
 *   test_real session VDISTORM SRCDIR    qemu:///session as root and as a user
 *   test_real messages VDISTORM SRCDIR   one line per failure
 * Exit 77 = SKIP, only when libvirtd cannot be reached (or, for one part, when
 * what it needs is missing, said on a SKIP line). Every fault test asserts
 * before and after that libvirt has no domain of a dead run, and that the
 * faulted run left no domain, QEMU process or run folder. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include "check.h"
#include "core/error.h"
#include "real/real.h"
#include "run_cmd.h"

#define SKIP 77

static void unit(void)
{
  char *e = vs_real_xml_escape("a<b>&'\"c");
  CHECK(e && !strcmp(e, "a&lt;b&gt;&amp;&apos;&quot;c"));
  free(e);
  e = vs_real_xml_escape("");
  CHECK(e && !strcmp(e, ""));
  free(e);

  char name[96];
  vs_real_domain_name(name, sizeof(name), 1234, "my lab</name>-x", 7);
  CHECK(!strcmp(name, "vdistorm-1234-my_lab__name__x-7"));
  CHECK(vs_real_name_pid(name) == 1234);
  CHECK(vs_real_name_pid("vdistorm-abc-x-1") == -1);
  CHECK(vs_real_name_pid("other-1234-x-1") == -1);
  CHECK(vs_real_name_pid("vdistorm--x") == -1);

  vs_real_domain_spec sp = {.type = "qemu", .name = "vm'1", .memory_B = 256.0 * 1048576, .vcpus = 1,
                            .kernel = "/k&<", .initrd = "/i", .disk = "/d'.qcow2", .disk_format = "qcow2",
                            .console_log = "/c\".log", .cmdline = "console=ttyS0 a<b", .dac_label = "+0:+0"};
  char *xml = vs_real_domain_xml(&sp);
  CHECK(xml && strstr(xml, "<domain type='qemu'>"));
  CHECK(xml && strstr(xml, "<name>vm&apos;1</name>"));
  CHECK(xml && strstr(xml, "<kernel>/k&amp;&lt;</kernel>"));
  CHECK(xml && strstr(xml, "file='/d&apos;.qcow2'"));
  CHECK(xml && strstr(xml, "path='/c&quot;.log'"));
  CHECK(xml && strstr(xml, "a&lt;b</cmdline>"));
  CHECK(xml && strstr(xml, "<memory unit='KiB'>262144</memory>"));
  CHECK(xml && strstr(xml, "<seclabel type='static' model='dac' relabel='no'>\n    <label>+0:+0</label>"));
  free(xml);
  /* A user's qemu:///session has no DAC driver: no label at all. */
  sp.dac_label = NULL;
  xml = vs_real_domain_xml(&sp);
  CHECK(xml && !strstr(xml, "seclabel"));
  free(xml);
  sp.dac_label = "+0:+0";
  sp.type = "kvm'/><evil";
  CHECK(vs_real_domain_xml(&sp) == NULL);

}

/* ---- live ---- */

static void quiet(void *ud, virErrorPtr e) { (void)ud, (void)e; }

/* Domains named like ours whose process is dead: left behind. */
static int leftovers(virConnectPtr c)
{
  virDomainPtr *doms = NULL;
  int n = virConnectListAllDomains(c, &doms, 0), bad = 0;
  for (int i = 0; i < n; i++) {
    long pid = vs_real_name_pid(virDomainGetName(doms[i]));
    if (pid > 0 && kill((pid_t)pid, 0) != 0) {
      fprintf(stderr, "left behind: %s\n", virDomainGetName(doms[i]));
      bad++;
    }
    virDomainFree(doms[i]);
  }
  free(doms);
  return n < 0 ? -1 : bad;
}

static long dead_pid(void)
{
  pid_t p = fork();
  if (p == 0)
    _exit(0);
  waitpid(p, NULL, 0);
  return (long)p;
}

/* `extra`: more lines of the real: section ("  domain_type: qemu\n"). */
static void write_scenario_ex(const char *path, const char *image, const char *timeout, const char *ws, int hosts,
                              const char *uri, const char *extra)
{
  FILE *f = fopen(path, "w");
  fprintf(f, "name: live-test\nhosts: {count: %d, cores: 2, core_speed: 2GHz}\nstorage: {type: local, hdds: 1}\n"
             "hdd: {read_bw: 100MB/s}\nboot: {read: 16MB}\nreal:\n  uri: %s\n  memory: 160MiB\n"
             "  image: \"%s\"\n  working_set: %s\n  boot_timeout: %s\n%s",
          hosts, uri, image, ws, timeout, extra);
  fclose(f);
}

static void write_scenario(const char *path, const char *image, const char *timeout, const char *ws)
{
  write_scenario_ex(path, image, timeout, ws, 1, "qemu:///system", "");
}

static int live(const char *vd, const char *src)
{
  virConnectPtr c;
  char image[4096], path[8400], dir[] = "/tmp/vdistorm-real-test-XXXXXX", *out = NULL;
  virSetErrorFunc(NULL, quiet);
  if (!(c = virConnectOpen("qemu:///system"))) {
    const char *m = virGetLastErrorMessage();
    printf("SKIP: libvirtd cannot be reached at qemu:///system (%s); start virtlogd -d and libvirtd -d\n",
           m ? m : "?");
    return SKIP;
  }
  CHECK(mkdtemp(dir) != NULL);
  chmod(dir, 0755); /* QEMU (user libvirt-qemu) writes the leftover console log here */
  snprintf(image, sizeof(image), "%s/real/guest", src);
  snprintf(path, sizeof(path), "%s/base.qcow2", image);
  if (access(path, R_OK) != 0) {
    fprintf(stderr, "building the guest into %s\n", image);
    CHECK(run_cmd(&out, "%s real image -o %s >&2", vd, image) == 0);
    free(out);
  }

  /* A crashed run's leftovers: a domain and a run folder of a dead pid. */
  long dead = dead_pid();
  char name[96], kernel[4200], initrd[4200], log[4200], rundir[4200];
  vs_real_domain_name(name, sizeof(name), dead, "leftover", 0);
  snprintf(kernel, sizeof(kernel), "%s/vmlinuz", image);
  snprintf(initrd, sizeof(initrd), "%s/initramfs.img", image);
  snprintf(log, sizeof(log), "%s/leftover.log", dir);
  snprintf(rundir, sizeof(rundir), "%s/run-%ld", image, dead);
  vs_real_domain_spec sp = {"qemu", name, 64.0 * 1048576, 1, kernel, initrd, NULL, NULL, log,
                            "console=ttyS0 vdistorm.probe=1", "+0:+0", 0};
  char *xml = vs_real_domain_xml(&sp);
  virDomainPtr d = virDomainCreateXML(c, xml, 0);
  free(xml);
  CHECK(d != NULL);
  if (d)
    virDomainFree(d);
  CHECK(mkdir(rundir, 0755) == 0);
  snprintf(path, sizeof(path), "%s/stale.qcow2", rundir);
  fclose(fopen(path, "w"));

  /* Two VMs at once. */
  char scen[4200];
  snprintf(scen, sizeof(scen), "%s/s.yaml", dir);
  write_scenario(scen, image, "240s", "16MB");
  cJSON *j = run_json("%s real boot %s --vms 2 --json -q -o %s/out", vd, scen, dir);
  CHECK(j != NULL);
  if (j) {
    const cJSON *ready = cJSON_GetObjectItem(j, "ready_s");
    CHECK(cJSON_GetObjectItem(j, "vms")->valuedouble == 2);
    CHECK(cJSON_GetArraySize(ready) == 2);
    for (int i = 0; i < cJSON_GetArraySize(ready); i++) {
      const cJSON *r = cJSON_GetArrayItem(ready, i);
      CHECK(cJSON_IsNumber(r) && r->valuedouble > 0.5);
    }
    CHECK(cJSON_GetObjectItem(j, "all_ready_s")->valuedouble > 0);
    CHECK(cJSON_GetObjectItem(j, "peak_cpu_util")->valuedouble > 0);
    CHECK(cJSON_GetObjectItem(j, "peak_cpu_util")->valuedouble <= 1.0);
    /* Each guest reads its 16 MB working set from its disk. */
    CHECK(cJSON_GetObjectItem(j, "read_MB")->valuedouble >= 2 * 16);
    CHECK(cJSON_GetObjectItem(j, "mean_disk_MBps")->valuedouble > 0);
    CHECK(!strcmp(cJSON_GetObjectItem(j, "backend")->valuestring, "libvirt"));
    const char *type = cJSON_GetObjectItem(j, "domain_type")->valuestring;
    CHECK(!strcmp(type, "kvm") || !strcmp(type, "qemu"));
    CHECK(cJSON_IsNumber(cJSON_GetObjectItem(j, "host_overhead_cpu_util")));
    printf("live: 2 VMs ready after %.1f s and %.1f s (%s), peak CPU %.0f %%, read %.1f MB\n",
           cJSON_GetArrayItem(ready, 0)->valuedouble, cJSON_GetArrayItem(ready, 1)->valuedouble, type,
           100 * cJSON_GetObjectItem(j, "peak_cpu_util")->valuedouble, cJSON_GetObjectItem(j, "read_MB")->valuedouble);
    cJSON_Delete(j);
  }
  snprintf(path, sizeof(path), "%s/out/timeseries.csv", dir);
  FILE *f = fopen(path, "r");
  char line[512] = "";
  CHECK(f && fgets(line, sizeof(line), f));
  CHECK(!strcmp(line, "t_s,booting,ready,cpu_util_mean,cpu_util_max,disk_MBps,link_MBps,link_util_max,"
                      "host_overhead_cpu_util\n"));
  int rows = 0;
  double cpu_max = 0;
  while (f && fgets(line, sizeof(line), f)) {
    double t, mean, mx;
    int b, r;
    if (sscanf(line, "%lf,%d,%d,%lf,%lf", &t, &b, &r, &mean, &mx) == 5 && mx > cpu_max)
      cpu_max = mx;
    rows++;
  }
  if (f)
    fclose(f);
  CHECK(rows >= 1);
  CHECK(cpu_max > 0);
  snprintf(path, sizeof(path), "%s/out/vms.csv", dir);
  CHECK(access(path, R_OK) == 0);

  /* The leftovers are gone, and nothing of ours is left behind. */
  d = virDomainLookupByName(c, name);
  CHECK(d == NULL);
  if (d)
    virDomainFree(d);
  CHECK(access(rundir, F_OK) != 0);
  CHECK(leftovers(c) == 0);

  /* A VM that cannot be ready in time: one line, exit 1, still cleaned up. */
  write_scenario(scen, image, "1s", "16MB");
  CHECK(run_cmd(&out, "%s real boot %s --vms 1 --json -q --no-save 2>%s/err", vd, scen, dir) == 1);
  j = out ? cJSON_Parse(out) : NULL;
  CHECK(j && cJSON_GetArraySize(cJSON_GetObjectItem(j, "not_ready")) == 1);
  cJSON_Delete(j);
  free(out);
  snprintf(path, sizeof(path), "%s/err", dir);
  f = fopen(path, "r");
  int lines = 0;
  while (f && fgets(line, sizeof(line), f)) {
    lines++;
    CHECK(strstr(line, "never became ready within the 1 s boot timeout") != NULL);
  }
  if (f)
    fclose(f);
  CHECK(lines == 1);
  CHECK(leftovers(c) == 0);
  /* Saved, the failed VM's console is kept beside the results for diagnosis. */
  CHECK(run_cmd(&out, "%s real boot %s --vms 1 -q -o %s/failed 2>/dev/null", vd, scen, dir) == 1);
  free(out);
  snprintf(path, sizeof(path), "%s/failed/not-ready-vm0-console.log", dir);
  CHECK(access(path, R_OK) == 0);

  /* Measure k = 1, 2 here, predict k = 3: fitted on the live k = 1 and 2
   * only, the calibrated simulator predicts the live k = 3 within 15 %
   * (unless the host was disturbed, which calibrate reports by leaving the
   * step out). */
  write_scenario(scen, image, "240s", "16MB");
  j = run_json("%s real threshold %s --max-k 3 --extra 0 --repeat 2 --json -q -o %s/thr", vd, scen, dir);
  CHECK(j != NULL);
  cJSON_Delete(j);
  cJSON *cal = run_json("%s calibrate %s --measured %s/thr -o %s/cal.yaml --json -q", vd, scen, dir, dir);
  if (!cal) {
    /* calibrate leaves out the k measured while the host was busy with
     * other work (host overhead above 10 %: other jobs on a 2-core
     * machine) or with a VM not ready; with none left it says so and there
     * is no prediction to judge. Anything else is a failure. */
    int rc = run_cmd(&out, "%s calibrate %s --measured %s/thr -o %s/cal.yaml -q 2>&1", vd, scen, dir, dir);
    int disturbed = rc == 2 && out && strstr(out, "no usable measured k");
    CHECK_MSG(disturbed, "calibrate failed: %s", out ? out : "(no output)");
    if (disturbed)
      printf("live calibration: every measured k was disturbed on this host; prediction not judged\n");
    free(out);
  }
  const cJSON *pt;
  cJSON_ArrayForEach(pt, cJSON_GetObjectItem(cal, "points"))
  {
    double k = cJSON_GetObjectItem(pt, "k")->valuedouble, e = cJSON_GetObjectItem(pt, "error_pct")->valuedouble;
    printf("live calibration: k=%g %s, %.1f %% off\n", k,
           cJSON_IsTrue(cJSON_GetObjectItem(pt, "fit")) ? "fitted" : "predicted", e);
#ifdef VS_SANITIZE
    /* Under the sanitizers the controller itself (polling consoles,
     * sampling /proc) takes a share of the 2 cores the VMs boot on, more
     * at k = 3 than at the fitted k: the times are not the product's. This
     * pass is for memory errors; the normal build judges the prediction. */
    if (k == 3)
      printf("live calibration: sanitizer build, k = 3 prediction not judged\n");
#else
    if (k == 3)
      CHECK_MSG(fabs(e) <= 15, "k = 3 predicted %.1f %% off", e);
#endif
  }
  cJSON_Delete(cal);
  CHECK(leftovers(c) == 0);

  /* Missing image: one clear line, no domain. */
  write_scenario(scen, "/nonexistent/guest", "240s", "16MB");
  CHECK(run_cmd(&out, "%s real boot %s --vms 1 -q --no-save 2>&1", vd, scen) == 2);
  CHECK(out && strstr(out, "guest image folder missing") && strchr(out, '\n') == strrchr(out, '\n'));
  free(out);

  virConnectClose(c);
  run_cmd(&out, "rm -rf %s", dir);
  free(out);
  return check_failures ? 1 : 0;
}

/* ---- fault tests ---- */

static double now_s(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void sleep_s(double s) { usleep((useconds_t)(s * 1e6)); }

/* A connection that survives libvirtd restarts: opened again when dead. */
static virConnectPtr conn_alive(virConnectPtr *c)
{
  if (*c && virConnectIsAlive(*c) == 1 && virConnectNumOfDomains(*c) >= 0)
    return *c;
  if (*c)
    virConnectClose(*c);
  *c = NULL;
  for (double t0 = now_s(); !*c && now_s() - t0 < 60; sleep_s(0.2))
    *c = virConnectOpen("qemu:///system");
  return *c;
}

/* Domains of run `pid` whose names contain `part` (any, when NULL). */
static int count_domains(virConnectPtr *c, long pid, const char *part)
{
  virDomainPtr *doms = NULL;
  int n = conn_alive(c) ? virConnectListAllDomains(*c, &doms, 0) : -1, ours = 0;
  for (int k = 0; k < n; k++) {
    const char *name = virDomainGetName(doms[k]);
    ours += vs_real_name_pid(name) == pid && (!part || strstr(name, part));
    virDomainFree(doms[k]);
  }
  free(doms);
  return n < 0 ? -1 : ours;
}

/* Running QEMU processes of run `pid` (their -name guest=vdistorm-<pid>-...). */
static int count_qemus(long pid)
{
  char want[64], path[300], buf[8192];
  int n = 0;
  snprintf(want, sizeof(want), "guest=vdistorm-%ld-", pid);
  DIR *d = opendir("/proc");
  struct dirent *e;
  while (d && (e = readdir(d))) {
    if (e->d_name[0] < '1' || e->d_name[0] > '9')
      continue;
    snprintf(path, sizeof(path), "/proc/%s/stat", e->d_name);
    FILE *f = fopen(path, "r");
    size_t len = f ? fread(buf, 1, sizeof(buf) - 1, f) : 0;
    if (f)
      fclose(f);
    buf[len] = '\0';
    char *st = strrchr(buf, ')');
    if (!st || st[2] == 'Z' || st[2] == 'X')
      continue;
    snprintf(path, sizeof(path), "/proc/%s/cmdline", e->d_name);
    f = fopen(path, "r");
    len = f ? fread(buf, 1, sizeof(buf) - 1, f) : 0;
    if (f)
      fclose(f);
    buf[len] = '\0';
    for (size_t i = 0; i < len; i += strlen(buf + i) + 1)
      if (!strncmp(buf + i, want, strlen(want))) {
        n++;
        break;
      }
  }
  if (d)
    closedir(d);
  return n;
}

static int run_dir_files(const char *image, long pid, const char *suffix)
{
  char path[4200];
  snprintf(path, sizeof(path), "%s/run-%ld", image, pid);
  DIR *d = opendir(path);
  struct dirent *e;
  int n = d ? 0 : -1;
  while (d && (e = readdir(d))) {
    size_t l = strlen(e->d_name), sl = strlen(suffix);
    n += l > sl && !strcmp(e->d_name + l - sl, suffix);
  }
  if (d)
    closedir(d);
  return n;
}

typedef struct {
  virConnectPtr c;
  const char *vd;
  char image[4096], dir[64], scen[4200], err[4200];
} env;

static int env_open(env *e, const char *vd, const char *src)
{
  char path[4200], *out = NULL;
  memset(e, 0, sizeof(*e));
  e->vd = vd;
  virSetErrorFunc(NULL, quiet);
  if (!(e->c = virConnectOpen("qemu:///system"))) {
    const char *m = virGetLastErrorMessage();
    printf("SKIP: libvirtd cannot be reached at qemu:///system (%s); start virtlogd -d and libvirtd -d\n",
           m ? m : "?");
    return SKIP;
  }
  snprintf(e->dir, sizeof(e->dir), "/tmp/vdistorm-real-test-XXXXXX");
  CHECK(mkdtemp(e->dir) != NULL);
  chmod(e->dir, 0755);
  snprintf(e->image, sizeof(e->image), "%s/real/guest", src);
  snprintf(path, sizeof(path), "%s/base.qcow2", e->image);
  if (access(path, R_OK) != 0) {
    fprintf(stderr, "building the guest into %s\n", e->image);
    CHECK(run_cmd(&out, "%s real image -o %s >&2", vd, e->image) == 0);
    free(out);
  }
  snprintf(e->scen, sizeof(e->scen), "%s/s.yaml", e->dir);
  snprintf(e->err, sizeof(e->err), "%s/err", e->dir);
  /* Before: nothing of a dead run is there to be mistaken for ours. */
  CHECK(leftovers(conn_alive(&e->c)) == 0);
  return 0;
}

static void env_close(env *e)
{
  char *out = NULL;
  /* After: still nothing of a dead run. */
  CHECK(leftovers(conn_alive(&e->c)) == 0);
  if (e->c)
    virConnectClose(e->c);
  run_cmd(&out, "rm -rf %s", e->dir);
  free(out);
}

/* Nothing of run `pid` is left: no domain, no QEMU process, no run folder. */
static void check_no_trace(env *e, long pid, const char *what)
{
  char path[4200];
  int d = count_domains(&e->c, pid, NULL), q = count_qemus(pid);
  snprintf(path, sizeof(path), "%s/run-%ld", e->image, pid);
  CHECK_MSG(d == 0, "%s: %d domains of run %ld left", what, d, pid);
  CHECK_MSG(q == 0, "%s: %d QEMU processes of run %ld left", what, q, pid);
  CHECK_MSG(access(path, F_OK) != 0, "%s: %s left", what, path);
}

/* stderr of a run: exactly one line, containing each of the needles. */
static void check_one_line(const char *path, const char *what, const char *needle, const char *needle2)
{
  char *s = slurp_file(path, NULL);
  const char *nl = s ? strchr(s, '\n') : NULL;
  CHECK_MSG(s && nl && !nl[1], "%s: not one line: '%s'", what, s ? s : "(none)");
  CHECK_MSG(s && strstr(s, needle), "%s: '%s' lacks '%s'", what, s ? s : "(none)", needle);
  if (needle2)
    CHECK_MSG(s && strstr(s, needle2), "%s: '%s' lacks '%s'", what, s ? s : "(none)", needle2);
  free(s);
}

enum { OUT_FILE, OUT_PTY, OUT_PIPE };

typedef struct {
  pid_t pid;
  int fd; /* OUT_PTY: the terminal's master side; OUT_PIPE: the read end */
  int exited, status;
} child;

/* Start `vd` with the arguments (NULL-terminated). OUT_FILE: its own process
 * group (a Ctrl-C goes to the group), stdout and stderr to `out`. OUT_PTY: a
 * new session whose controlling terminal is a fresh pty, as in an ssh login.
 * OUT_PIPE: stdout and stderr into a pipe, as ssh without a terminal. */
static child start_vd(int mode, const char *out, const char *vd, ...)
{
  child ch = {.pid = -1, .fd = -1};
  char *argv[32];
  int n = 0, p[2] = {-1, -1};
  va_list ap;
  argv[n++] = (char *)vd;
  va_start(ap, vd);
  while (n < 31 && (argv[n] = va_arg(ap, char *)))
    n++;
  va_end(ap);
  argv[n] = NULL;
  if (mode == OUT_PTY) {
    ch.fd = posix_openpt(O_RDWR | O_NOCTTY);
    if (ch.fd < 0 || grantpt(ch.fd) || unlockpt(ch.fd))
      return ch;
  } else if (mode == OUT_PIPE) {
    if (pipe(p) != 0)
      return ch;
    ch.fd = p[0];
  }
  fflush(NULL);
  ch.pid = fork();
  if (ch.pid == 0) {
    int fd = -1;
    if (mode == OUT_PTY) {
      const char *slave = ptsname(ch.fd);
      setsid();
      fd = slave ? open(slave, O_RDWR) : -1; /* the session's controlling terminal */
      close(ch.fd);
    } else {
      setpgid(0, 0);
      if (mode == OUT_PIPE) {
        close(p[0]);
        fd = p[1];
      } else
        fd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    }
    if (fd < 0)
      _exit(126);
    dup2(fd, STDOUT_FILENO);
    dup2(fd, STDERR_FILENO);
    if (mode == OUT_PTY)
      dup2(fd, STDIN_FILENO);
    execv(vd, argv);
    _exit(127);
  }
  if (mode == OUT_PIPE)
    close(p[1]);
  return ch;
}

static void child_poll(child *ch)
{
  if (!ch->exited && ch->pid > 0 && waitpid(ch->pid, &ch->status, WNOHANG) == ch->pid)
    ch->exited = 1;
}

/* Wait for the child's exit (killed after `timeout` s); its exit code as a
 * shell shows it (128 + N when killed by signal N), -1 on timeout. */
static int child_wait(child *ch, double timeout)
{
  for (double t0 = now_s(); !ch->exited && now_s() - t0 < timeout; sleep_s(0.05))
    child_poll(ch);
  if (!ch->exited) {
    fprintf(stderr, "vdistorm %ld did not exit within %.0f s: killed\n", (long)ch->pid, timeout);
    kill(-ch->pid, SIGKILL);
    kill(ch->pid, SIGKILL);
    waitpid(ch->pid, &ch->status, 0);
    ch->exited = 1;
    return -1;
  }
  return WIFEXITED(ch->status) ? WEXITSTATUS(ch->status) : 128 + WTERMSIG(ch->status);
}

/* Wait until run `ch` has `n` domains named with `part`; returns how many. */
static int wait_domains(env *e, child *ch, const char *part, int n, double timeout)
{
  int seen = 0;
  for (double t0 = now_s(); seen < n && now_s() - t0 < timeout && !ch->exited; sleep_s(0.02)) {
    seen = count_domains(&e->c, ch->pid, part);
    child_poll(ch);
  }
  CHECK_MSG(seen >= n, "run %ld: %d of %d domains '%s' seen", (long)ch->pid, seen, n, part);
  return seen;
}

/* Wait until run `ch` has made a disk in its run folder. */
static int wait_disk(env *e, child *ch, double timeout)
{
  int disks = 0;
  for (double t0 = now_s(); disks < 1 && now_s() - t0 < timeout && !ch->exited; sleep_s(0.01)) {
    disks = run_dir_files(e->image, ch->pid, ".qcow2");
    child_poll(ch);
  }
  CHECK_MSG(disks >= 1, "run %ld made no disk", (long)ch->pid);
  return disks;
}

static void timed(const char *what, double t0)
{
  printf("%-58s %5.1f s\n", what, now_s() - t0);
  fflush(stdout);
}

static int signals(const char *vd, const char *src)
{
  env e;
  int rc, code;
  double t0;
  if ((rc = env_open(&e, vd, src)) != 0)
    return rc;
  /* TCG whatever the machine: the faults, not the speed, are under test. */
  write_scenario_ex(e.scen, e.image, "240s", "32MB", 1, "qemu:///system", "  domain_type: qemu\n");

  /* SIGTERM in the middle of a boot: domains destroyed before exiting. */
  t0 = now_s();
  child ch = start_vd(OUT_FILE, e.err, vd, "real", "boot", e.scen, "--vms", "2", "--no-save", "-q", NULL);
  wait_domains(&e, &ch, "-live_test.", 2, 120);
  kill(ch.pid, SIGTERM);
  code = child_wait(&ch, 90);
  CHECK_MSG(code == 143, "SIGTERM: exit %d", code);
  check_one_line(e.err, "SIGTERM", "interrupted by SIGTERM", NULL);
  check_no_trace(&e, ch.pid, "SIGTERM during a boot");
  timed("signals: SIGTERM during a boot", t0);

  /* The terminal closes (ssh connection lost): SIGHUP from the kernel,
   * and every later write to the terminal fails. */
  t0 = now_s();
  ch = start_vd(OUT_PTY, NULL, vd, "real", "boot", e.scen, "--vms", "2", "--no-save", "-q", NULL);
  wait_domains(&e, &ch, "-live_test.", 2, 120);
  close(ch.fd);
  code = child_wait(&ch, 90);
  CHECK_MSG(code == 128 + SIGHUP, "closed terminal: exit %d", code);
  check_no_trace(&e, ch.pid, "SIGHUP from a closed terminal");
  timed("signals: SIGHUP from a closed terminal during a boot", t0);

  /* ssh without a terminal: the reader of our output goes away first (each
   * progress line then meets a closed pipe), then SIGHUP. */
  t0 = now_s();
  ch = start_vd(OUT_PIPE, NULL, vd, "real", "boot", e.scen, "--vms", "2", "--no-save", NULL);
  wait_domains(&e, &ch, "-live_test.", 2, 120);
  close(ch.fd);
  sleep_s(2.5);
  child_poll(&ch);
  CHECK_MSG(!ch.exited, "a closed output pipe killed the run (status %d)", ch.status);
  kill(ch.pid, SIGHUP);
  code = child_wait(&ch, 90);
  CHECK_MSG(code == 128 + SIGHUP, "SIGHUP with a closed pipe: exit %d", code);
  check_no_trace(&e, ch.pid, "SIGHUP after the output pipe closed");
  timed("signals: SIGHUP after the output pipe closed", t0);

  /* Ctrl-C (SIGINT to the process group, qemu-img included) while full
   * copies are made: the same one line, not qemu-img's failure. */
  write_scenario_ex(e.scen, e.image, "240s", "32MB", 1, "qemu:///system",
                    "  domain_type: qemu\n  disk: full-copy\n");
  t0 = now_s();
  ch = start_vd(OUT_FILE, e.err, vd, "real", "boot", e.scen, "--vms", "12", "--no-save", "-q", NULL);
  wait_disk(&e, &ch, 60);
  kill(-ch.pid, SIGINT);
  code = child_wait(&ch, 60);
  CHECK_MSG(code == 130, "Ctrl-C while disks were made: exit %d", code);
  check_one_line(e.err, "Ctrl-C while disks were made", "interrupted by SIGINT", NULL);
  check_no_trace(&e, ch.pid, "Ctrl-C while disks were made");
  timed("signals: Ctrl-C while disks are made", t0);

  /* SIGTERM to the controller alone while disks are made: at most the copy
   * under way is finished, no further one started. */
  t0 = now_s();
  ch = start_vd(OUT_FILE, e.err, vd, "real", "boot", e.scen, "--vms", "12", "--no-save", "-q", NULL);
  wait_disk(&e, &ch, 60);
  int before = run_dir_files(e.image, ch.pid, ".qcow2"), most = before;
  kill(ch.pid, SIGTERM);
  while (!ch.exited && now_s() - t0 < 120) {
    int d = run_dir_files(e.image, ch.pid, ".qcow2");
    most = d > most ? d : most;
    child_poll(&ch);
    sleep_s(0.01);
  }
  code = child_wait(&ch, 60);
  CHECK_MSG(code == 143, "SIGTERM while disks were made: exit %d", code);
  CHECK_MSG(before < 12, "all 12 disks were made before SIGTERM: nothing tested");
  CHECK_MSG(most <= before + 1, "%d disks when SIGTERM came, %d made in all", before, most);
  CHECK(count_domains(&e.c, ch.pid, NULL) == 0);
  check_no_trace(&e, ch.pid, "SIGTERM while disks were made");
  timed("signals: SIGTERM while disks are made", t0);

  /* Ctrl-C while VMs are started (each start spawns a QEMU): honoured
   * between two starts, not after the whole pass. */
  write_scenario_ex(e.scen, e.image, "240s", "32MB", 1, "qemu:///system", "  domain_type: qemu\n");
  t0 = now_s();
  ch = start_vd(OUT_FILE, e.err, vd, "real", "boot", e.scen, "--vms", "6", "--no-save", "-q", NULL);
  most = wait_domains(&e, &ch, "-live_test.", 1, 120);
  kill(-ch.pid, SIGINT);
  while (!ch.exited && now_s() - t0 < 120) {
    int d = count_domains(&e.c, ch.pid, NULL);
    most = d > most ? d : most;
    child_poll(&ch);
    sleep_s(0.01);
  }
  code = child_wait(&ch, 60);
  CHECK_MSG(code == 130, "Ctrl-C while VMs were started: exit %d", code);
  CHECK_MSG(most < 6, "all %d VMs were started after Ctrl-C", most);
  check_one_line(e.err, "Ctrl-C while VMs were started", "interrupted by SIGINT", NULL);
  check_no_trace(&e, ch.pid, "Ctrl-C while VMs were started");
  timed("signals: Ctrl-C while VMs are started", t0);

  /* SIGTERM during the KVM probe (domain_type auto). */
  write_scenario(e.scen, e.image, "240s", "32MB");
  t0 = now_s();
  ch = start_vd(OUT_FILE, e.err, vd, "real", "boot", e.scen, "--vms", "2", "--no-save", "-q", NULL);
  wait_domains(&e, &ch, "-probe-", 1, 60);
  kill(ch.pid, SIGTERM);
  code = child_wait(&ch, 60);
  CHECK_MSG(code == 143, "SIGTERM during the probe: exit %d", code);
  check_one_line(e.err, "SIGTERM during the probe", "interrupted by SIGTERM", NULL);
  check_no_trace(&e, ch.pid, "SIGTERM during the KVM probe");
  timed("signals: SIGTERM during the KVM probe", t0);

  env_close(&e);
  return check_failures ? 1 : 0;
}

/* ---- libvirtd restarted or stopped under a run ---- */

#define LIBVIRTD_PIDFILE "/run/libvirtd.pid"

static long libvirtd_pid(void)
{
  char path[64], comm[64] = "";
  long pid = -1;
  FILE *f = fopen(LIBVIRTD_PIDFILE, "r");
  if (!f || fscanf(f, "%ld", &pid) != 1)
    pid = -1;
  if (f)
    fclose(f);
  snprintf(path, sizeof(path), "/proc/%ld/comm", pid);
  f = pid > 0 ? fopen(path, "r") : NULL;
  if (!f || !fgets(comm, sizeof(comm), f))
    pid = -1;
  if (f)
    fclose(f);
  return pid > 0 && !strncmp(comm, "libvirtd", 8) ? pid : -1;
}

static int process_gone(long pid)
{
  char path[64], buf[512];
  snprintf(path, sizeof(path), "/proc/%ld/stat", pid);
  FILE *f = fopen(path, "r");
  size_t n = f ? fread(buf, 1, sizeof(buf) - 1, f) : 0;
  if (f)
    fclose(f);
  buf[n] = '\0';
  const char *st = strrchr(buf, ')');
  return !st || st[2] == 'Z' || st[2] == 'X';
}

/* Stop the system libvirtd the way it is run here (libvirtd -d): by its
 * pid, waiting until it is gone. QEMU processes live on. */
static int libvirtd_stop(void)
{
  long pid = libvirtd_pid();
  if (pid <= 0 || kill((pid_t)pid, SIGTERM) != 0)
    return -1;
  for (double t0 = now_s(); !process_gone(pid); sleep_s(0.05))
    if (now_s() - t0 > 30) {
      kill((pid_t)pid, SIGKILL);
      t0 = now_s();
    }
  return 0;
}

static int libvirtd_start(void)
{
  char *out = NULL;
  int rc = run_cmd(&out, "libvirtd -d 2>&1");
  free(out);
  virConnectPtr c = NULL;
  for (double t0 = now_s(); !c && now_s() - t0 < 60; sleep_s(0.2))
    c = virConnectOpen("qemu:///system");
  if (c)
    virConnectClose(c);
  return rc == 0 && c ? 0 : -1;
}

/* Whatever happens to this test (a crash, a timeout kill), a running
 * libvirtd is restored: a guard in its own session waits for our end (the
 * pipe closing) and starts libvirtd if it is not there. */
static pid_t libvirtd_guard(int *keep_open)
{
  int p[2];
  if (pipe2(p, O_CLOEXEC) != 0)
    return -1;
  pid_t g = fork();
  if (g == 0) {
    setsid();
    dup2(p[0], STDIN_FILENO);
    execl("/bin/sh", "sh", "-c",
          "cat >/dev/null; for i in 1 2 3 4 5 6 7 8 9 10; do"
          "  p=$(cat " LIBVIRTD_PIDFILE " 2>/dev/null); [ -n \"$p\" ] && kill -CONT $p 2>/dev/null;"
          "  timeout 20 virsh -q -c qemu:///system version >/dev/null 2>&1 && exit 0;"
          "  st=$(awk '{print $3}' /proc/$p/stat 2>/dev/null);"
          "  if [ -z \"$p\" ] || [ -z \"$st\" ] || [ \"$st\" = Z ]; then libvirtd -d; fi; sleep 1; done; exit 1",
          (char *)NULL);
    _exit(127);
  }
  close(p[0]);
  *keep_open = p[1];
  return g;
}

/* Another vdistorm run (a live pid, not one of ours) that a libvirtd
 * restart would disturb. */
static long other_live_run(env *e)
{
  virDomainPtr *doms = NULL;
  int n = conn_alive(&e->c) ? virConnectListAllDomains(e->c, &doms, 0) : -1;
  long other = 0;
  for (int k = 0; k < n; k++) {
    long pid = vs_real_name_pid(virDomainGetName(doms[k]));
    if (pid > 0 && kill((pid_t)pid, 0) == 0)
      other = pid;
    virDomainFree(doms[k]);
  }
  free(doms);
  return other;
}

static int libvirtd_faults(const char *vd, const char *src)
{
  env e;
  int rc, code, guard_fd = -1, status;
  double t0;
  char *out = NULL;
  if ((rc = env_open(&e, vd, src)) != 0)
    return rc;
  if (libvirtd_pid() <= 0) {
    printf("SKIP: libvirtd does not run as 'libvirtd -d' here (no %s naming a libvirtd): this test restarts it "
           "that way\n", LIBVIRTD_PIDFILE);
    env_close(&e);
    return SKIP;
  }
  long other = other_live_run(&e);
  for (double w = now_s(); other && now_s() - w < 300; sleep_s(2))
    other = other_live_run(&e);
  if (other) {
    printf("SKIP: vdistorm %ld is booting VMs on this libvirtd; not restarting it under that run\n", other);
    env_close(&e);
    return SKIP;
  }
  pid_t guard = libvirtd_guard(&guard_fd);
  CHECK(guard > 0);
  /* A boot long enough to be in the middle of when libvirtd goes. */
  write_scenario_ex(e.scen, e.image, "240s", "64MB", 1, "qemu:///system", "  domain_type: qemu\n");

  /* Restarted: the run fails with one line, reconnects and destroys. */
  t0 = now_s();
  child ch = start_vd(OUT_FILE, e.err, vd, "real", "boot", e.scen, "--vms", "2", "--no-save", "-q", NULL);
  wait_domains(&e, &ch, "-live_test.", 2, 120);
  CHECK(libvirtd_stop() == 0);
  sleep_s(1);
  CHECK(libvirtd_start() == 0);
  code = child_wait(&ch, 120);
  CHECK_MSG(code == 1, "libvirtd restarted: exit %d", code);
  check_one_line(e.err, "libvirtd restarted", "lost the connection to libvirt",
                 "reconnected and destroyed this run's domains");
  check_no_trace(&e, ch.pid, "libvirtd restarted during a boot");
  timed("libvirtd: restarted during a boot", t0);

  /* Stopped for longer than the run waits (20 s): the domains cannot be
   * destroyed, so their disks stay (removing them would leave domains
   * without disks); the next run removes both. */
  t0 = now_s();
  ch = start_vd(OUT_FILE, e.err, vd, "real", "boot", e.scen, "--vms", "2", "--no-save", "-q", NULL);
  wait_domains(&e, &ch, "-live_test.", 2, 120);
  CHECK(libvirtd_stop() == 0);
  code = child_wait(&ch, 120);
  CHECK(libvirtd_start() == 0);
  CHECK_MSG(code == 1, "libvirtd stopped: exit %d", code);
  check_one_line(e.err, "libvirtd stopped", "could not be destroyed", "the next 'vdistorm real' removes them");
  int doms = count_domains(&e.c, ch.pid, NULL), disks = run_dir_files(e.image, ch.pid, ".qcow2");
  CHECK_MSG(doms == 2 && disks == 2, "libvirtd stopped: %d domains, %d disks kept (2 and 2 expected)", doms,
            disks);
  write_scenario_ex(e.scen, e.image, "240s", "16MB", 1, "qemu:///system", "  domain_type: qemu\n");
  CHECK(run_cmd(&out, "%s real boot %s --vms 1 --json -q --no-save 2>/dev/null", vd, e.scen) == 0);
  free(out);
  check_no_trace(&e, ch.pid, "libvirtd stopped, then the next run");
  timed("libvirtd: stopped past the reconnect wait, next run cleans", t0);

  /* Hung (SIGSTOP): calls and reconnects would block for ever; keepalive
   * (about 20 s) and the bounded reconnect (20 s) end the run anyway. */
  t0 = now_s();
  write_scenario_ex(e.scen, e.image, "240s", "64MB", 1, "qemu:///system", "  domain_type: qemu\n");
  ch = start_vd(OUT_FILE, e.err, vd, "real", "boot", e.scen, "--vms", "2", "--no-save", "-q", NULL);
  wait_domains(&e, &ch, "-live_test.", 2, 120);
  long daemon = libvirtd_pid();
  CHECK(daemon > 0 && kill((pid_t)daemon, SIGSTOP) == 0);
  double stopped = now_s();
  code = child_wait(&ch, 120);
  double hung = now_s() - stopped;
  kill((pid_t)daemon, SIGCONT);
  CHECK_MSG(code == 1, "libvirtd hung: exit %d", code);
  CHECK_MSG(hung < 75, "libvirtd hung: the run took %.0f s to give up", hung);
  check_one_line(e.err, "libvirtd hung", "libvirtd stopped answering", "could not be destroyed");
  write_scenario_ex(e.scen, e.image, "240s", "16MB", 1, "qemu:///system", "  domain_type: qemu\n");
  CHECK(run_cmd(&out, "%s real boot %s --vms 1 --json -q --no-save 2>/dev/null", vd, e.scen) == 0);
  free(out);
  check_no_trace(&e, ch.pid, "libvirtd hung, then the next run");
  timed("libvirtd: hung (SIGSTOP), run gives up, next run cleans", t0);

  /* libvirtd is back whatever happened above. */
  close(guard_fd);
  waitpid(guard, &status, 0);
  CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  CHECK(conn_alive(&e.c) != NULL);
  env_close(&e);
  return check_failures ? 1 : 0;
}

/* ---- a SIGKILLed run's leftovers ---- */

static int killed(const char *vd, const char *src)
{
  env e;
  int rc, code;
  double t0 = now_s();
  char *out = NULL;
  if ((rc = env_open(&e, vd, src)) != 0)
    return rc;
  write_scenario_ex(e.scen, e.image, "240s", "32MB", 1, "qemu:///system", "  domain_type: qemu\n");

  /* A: killed while its two VMs boot: domains, QEMUs and disks stay. */
  child a = start_vd(OUT_FILE, e.err, vd, "real", "boot", e.scen, "--vms", "2", "--no-save", "-q", NULL);
  wait_domains(&e, &a, "-live_test.", 2, 120);
  kill(a.pid, SIGKILL);
  code = child_wait(&a, 30);
  CHECK(code == 128 + SIGKILL);
  CHECK(count_domains(&e.c, a.pid, NULL) == 2);
  CHECK(count_qemus(a.pid) == 2);
  CHECK(run_dir_files(e.image, a.pid, ".qcow2") == 2);

  /* B: killed too, and its run folder removed by hand: a domain whose
   * disk is gone. */
  child b = start_vd(OUT_FILE, e.err, vd, "real", "boot", e.scen, "--vms", "1", "--no-save", "-q", NULL);
  wait_domains(&e, &b, "-live_test.", 1, 120);
  kill(b.pid, SIGKILL);
  child_wait(&b, 30);
  CHECK(run_cmd(&out, "rm -rf %s/run-%ld", e.image, (long)b.pid) == 0);
  free(out);
  CHECK(count_domains(&e.c, b.pid, NULL) == 1);

  /* C: a QEMU process of a dead run that libvirt does not know (started
   * as libvirtd died): only its -name says whose it is. */
  long dead = dead_pid();
  char name[128];
  snprintf(name, sizeof(name), "guest=vdistorm-%ld-orphan.1-0,debug-threads=on", dead);
  pid_t q = fork();
  if (q == 0) {
    int fd = open("/dev/null", O_RDWR);
    dup2(fd, STDIN_FILENO);
    dup2(fd, STDOUT_FILENO);
    dup2(fd, STDERR_FILENO);
    execlp("qemu-system-x86_64", "qemu-system-x86_64", "-name", name, "-machine", "none", "-display", "none",
           "-nodefaults", "-monitor", "none", "-S", (char *)NULL);
    _exit(127);
  }
  for (double w = now_s(); count_qemus(dead) < 1 && now_s() - w < 10;)
    sleep_s(0.05);
  CHECK(count_qemus(dead) == 1);
  timed("killed: two runs SIGKILLed, one orphaned QEMU", t0);

  /* The next run removes all of it before it boots its own VM. */
  t0 = now_s();
  CHECK(run_cmd(&out, "%s real boot %s --vms 1 --json -q --no-save 2>%s", vd, e.scen, e.err) == 0);
  free(out);
  check_no_trace(&e, a.pid, "SIGKILLed run, after the next run");
  check_no_trace(&e, b.pid, "SIGKILLed run whose disk was gone, after the next run");
  check_no_trace(&e, dead, "orphaned QEMU, after the next run");
  int st;
  CHECK(waitpid(q, &st, WNOHANG) == q); /* it ended (and is reaped here) */
  timed("killed: the next run removed every leftover", t0);
  env_close(&e);
  return check_failures ? 1 : 0;
}

/* ---- qemu:///session ---- */

static int session(const char *vd, const char *src)
{
  env e;
  int rc, code;
  double t0 = now_s();
  char *out = NULL, home[4200], guest[4300], scen[4300], as_user[13000];
  if ((rc = env_open(&e, vd, src)) != 0)
    return rc;

  /* As root the session URI is the system daemon: same labels, same domains. */
  write_scenario_ex(e.scen, e.image, "240s", "16MB", 1, "qemu:///session", "  domain_type: qemu\n");
  child ch = start_vd(OUT_FILE, e.err, vd, "real", "boot", e.scen, "--vms", "1", "--no-save", "--json", "-q", NULL);
  wait_domains(&e, &ch, "-live_test.", 1, 120); /* seen on qemu:///system */
  code = child_wait(&ch, 240);
  CHECK_MSG(code == 0, "qemu:///session as root: exit %d", code);
  check_no_trace(&e, ch.pid, "qemu:///session as root");
  timed("session: qemu:///session as root", t0);

  /* As a user: that user's own daemon, without the DAC driver. */
  t0 = now_s();
  struct stat st;
  if (geteuid() != 0 || access("/usr/bin/setpriv", X_OK) != 0 || stat("/usr/bin/qemu-img", &st) != 0) {
    printf("SKIP (part): qemu:///session as a user needs root and setpriv to become uid 65534\n");
    env_close(&e);
    return check_failures ? 1 : 0;
  }
  snprintf(home, sizeof(home), "%s/home", e.dir);
  snprintf(guest, sizeof(guest), "%s/guest", home);
  snprintf(scen, sizeof(scen), "%s/s.yaml", home);
  CHECK(run_cmd(&out, "mkdir -p %s/run %s && chmod 700 %s/run && cp %s/vmlinuz %s/initramfs.img %s/base.qcow2 %s/",
                home, guest, home, e.image, e.image, e.image, guest) == 0);
  free(out);
  write_scenario_ex(scen, guest, "240s", "16MB", 1, "qemu:///session", "  domain_type: qemu\n");
  CHECK(run_cmd(&out, "chown -R 65534:65534 %s", home) == 0);
  free(out);
  snprintf(as_user, sizeof(as_user),
           "cd %s && setpriv --reuid=65534 --regid=65534 --clear-groups env -i HOME=%s XDG_RUNTIME_DIR=%s/run "
           "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
           home, home, home);
  char *abs_vd = realpath(vd, NULL); /* run from the user's home */
  code = run_cmd(&out, "%s %s real boot %s --vms 1 --json -q --no-save 2>%s", as_user, abs_vd ? abs_vd : vd, scen,
                 e.err);
  free(abs_vd);
  char *err = slurp_file(e.err, NULL);
  CHECK_MSG(code == 0, "qemu:///session as uid 65534: exit %d: %s", code, err ? err : "");
  cJSON *j = code == 0 && out ? cJSON_Parse(out) : NULL;
  CHECK(j && cJSON_GetArraySize(cJSON_GetObjectItem(j, "ready_s")) == 1 &&
        cJSON_IsNumber(cJSON_GetArrayItem(cJSON_GetObjectItem(j, "ready_s"), 0)));
  cJSON_Delete(j);
  free(err);
  free(out);
  CHECK(run_cmd(&out, "%s virsh -c qemu:///session list --all --name 2>&1", as_user) == 0);
  CHECK_MSG(out && !strstr(out, "vdistorm-"), "session domains left: %s", out ? out : "");
  free(out);
  CHECK(run_cmd(&out, "ls %s | grep -c '^run-'", guest) == 1); /* grep found none */
  free(out);
  /* The user's daemons were started for this test: stop them by pid. */
  run_cmd(&out, "for f in %s/run/libvirt/libvirtd.pid %s/run/libvirt/virtlogd.pid; do"
                " [ -f $f ] && kill $(cat $f); done; sleep 1",
          home, home);
  free(out);
  timed("session: qemu:///session as uid 65534", t0);
  env_close(&e);
  return check_failures ? 1 : 0;
}

/* ---- one line per failure ---- */

static int messages(const char *vd, const char *src)
{
  env e;
  int rc, code;
  double t0 = now_s();
  char *out = NULL, bad[4200], scen[4200];
  if ((rc = env_open(&e, vd, src)) != 0)
    return rc;

  /* qemu-img fails (the golden image is not a qcow2): its own lines are
   * folded into ours. */
  snprintf(bad, sizeof(bad), "%s/bad", e.dir);
  CHECK(run_cmd(&out, "mkdir -p %s && ln -s %s/vmlinuz %s/initramfs.img %s/ && echo garbage > %s/base.qcow2", bad,
                e.image, e.image, bad, bad) == 0);
  free(out);
  write_scenario_ex(e.scen, bad, "240s", "16MB", 1, "qemu:///system", "  domain_type: qemu\n");
  child ch = start_vd(OUT_FILE, e.err, vd, "real", "boot", e.scen, "--vms", "2", "--no-save", "-q", NULL);
  code = child_wait(&ch, 120);
  CHECK_MSG(code == 1, "bad base image: exit %d", code);
  check_one_line(e.err, "bad base image", "vdistorm: qemu-img could not make", "not in qcow2 format");
  CHECK(run_cmd(&out, "ls %s | grep -c '^run-'", bad) == 1);
  free(out);
  check_no_trace(&e, ch.pid, "bad base image");
  write_scenario_ex(e.scen, bad, "240s", "16MB", 1, "qemu:///system", "  domain_type: qemu\n  disk: full-copy\n");
  ch = start_vd(OUT_FILE, e.err, vd, "real", "boot", e.scen, "--vms", "1", "--no-save", "-q", NULL);
  code = child_wait(&ch, 120);
  CHECK_MSG(code == 1, "bad base image, full copy: exit %d", code);
  check_one_line(e.err, "bad base image, full copy", "vdistorm: qemu-img could not make", "not in qcow2 format");
  timed("messages: qemu-img failures", t0);

  /* Two scenario hosts, one URI: VM 1 is not wrapped onto host 0. */
  t0 = now_s();
  write_scenario_ex(e.scen, e.image, "240s", "16MB", 2, "qemu:///system", "  domain_type: qemu\n");
  ch = start_vd(OUT_FILE, e.err, vd, "real", "boot", e.scen, "--vms", "2", "--no-save", "-q", NULL);
  code = child_wait(&ch, 120);
  CHECK_MSG(code == 2, "host beyond the URIs: exit %d", code);
  check_one_line(e.err, "host beyond the URIs", "VM 1 is placed on host-1", "names 1 hypervisor URI");
  check_no_trace(&e, ch.pid, "host beyond the URIs");
  timed("messages: a host beyond the URIs", t0);

  /* The boot timeout: once, in boot (--repeat too) and threshold. */
  t0 = now_s();
  snprintf(scen, sizeof(scen), "%s", e.scen);
  write_scenario_ex(scen, e.image, "1s", "16MB", 1, "qemu:///system", "  domain_type: qemu\n");
  ch = start_vd(OUT_FILE, e.err, vd, "real", "boot", scen, "--vms", "2", "--repeat", "2", "--no-save", NULL);
  code = child_wait(&ch, 120);
  CHECK_MSG(code == 1, "boot timeout, repeated: exit %d", code);
  CHECK(run_cmd(&out, "grep -c 'boot timeout' %s", e.err) == 0 && out && atoi(out) == 1);
  free(out);
  CHECK(run_cmd(&out, "grep -c '^vdistorm:' %s", e.err) == 0 && out && atoi(out) == 1);
  free(out);
  check_no_trace(&e, ch.pid, "boot timeout, repeated");
  ch = start_vd(OUT_FILE, e.err, vd, "real", "threshold", scen, "--max-k", "2", "--extra", "0", "--no-save", NULL);
  code = child_wait(&ch, 120);
  CHECK_MSG(code == 1, "boot timeout, threshold: exit %d", code);
  CHECK(run_cmd(&out, "grep -c 'boot timeout' %s", e.err) == 0 && out && atoi(out) == 1);
  free(out);
  CHECK(run_cmd(&out, "grep -c '^vdistorm:' %s", e.err) == 0 && out && atoi(out) == 1);
  free(out);
  check_no_trace(&e, ch.pid, "boot timeout, threshold");
  timed("messages: the boot timeout, once", t0);

  /* Building the guest where it cannot be: one line, the tool's reason. */
  t0 = now_s();
  code = run_cmd(&out, "%s real image -o /proc/vdistorm-no-such 2>&1", vd);
  CHECK_MSG(code == 1, "image into /proc: exit %d", code);
  CHECK(out && !strncmp(out, "vdistorm: building the guest into /proc/vdistorm-no-such failed: ", 63) &&
        strchr(out, '\n') == out + strlen(out) - 1);
  free(out);
  timed("messages: building the guest fails", t0);
  env_close(&e);
  return check_failures ? 1 : 0;
}

int main(int argc, char **argv)
{
  /* Our own libvirt connection meets a dead libvirtd too: fail the call, not the test. */
  signal(SIGPIPE, SIG_IGN);
  if (argc >= 2 && !strcmp(argv[1], "unit")) {
    unit();
    return check_failures ? 1 : 0;
  }
  if (argc >= 4 && !strcmp(argv[1], "live"))
    return live(argv[2], argv[3]);
  if (argc >= 4 && !strcmp(argv[1], "signals"))
    return signals(argv[2], argv[3]);
  if (argc >= 4 && !strcmp(argv[1], "libvirtd"))
    return libvirtd_faults(argv[2], argv[3]);
  if (argc >= 4 && !strcmp(argv[1], "killed"))
    return killed(argv[2], argv[3]);
  if (argc >= 4 && !strcmp(argv[1], "session"))
    return session(argv[2], argv[3]);
  if (argc >= 4 && !strcmp(argv[1], "messages"))
    return messages(argv[2], argv[3]);
  fprintf(stderr, "usage: test_real unit | live|signals|libvirtd|killed|session|messages VDISTORM SRCDIR\n");
  return 2;
}

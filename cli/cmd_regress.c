/* vdistorm regress: the CI gate on schedule quality. Runs every
 * (scenario, policy) pair of a suite through `schedule --validate`, compares
 * the key metrics with committed baselines within stated tolerances, and
 * fails on any regression. SimGrid runs once per process, so each pair runs
 * in a child vdistorm. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"
#include "core/error.h"

#define DEFAULT_DIR "results/baselines"

typedef enum { LOWER_IS_BETTER, HIGHER_IS_BETTER, MUST_STAY_FALSE } direction;

/* The metrics gated, and how much worse each may get before it counts. */
static const struct metric {
  const char *key;
  direction dir;
  double abs_tol, rel_tol;
} metrics[] = {
    {"ready_fraction", HIGHER_IS_BETTER, 0, 0},
    {"late_vms", LOWER_IS_BETTER, 0, 0},
    {"max_lateness_s", LOWER_IS_BETTER, 1.0, 0},
    {"idle_vm_minutes", LOWER_IS_BETTER, 0, 0.02},
    {"powered_vm_minutes", LOWER_IS_BETTER, 0, 0.02},
    {"makespan_s", LOWER_IS_BETTER, 0, 0.02},
    {"bound_ratio", LOWER_IS_BETTER, 0.02, 0},
    {"peak_cpu_util", LOWER_IS_BETTER, 0.02, 0},
    {"storm", MUST_STAY_FALSE, 0, 0},
};
#define N_METRICS (sizeof(metrics) / sizeof(metrics[0]))

typedef struct {
  const char *dir;
  int update;
  int quiet;
} regress_args;

static void help(FILE *out)
{
  fprintf(out,
          "usage: vdistorm regress [--dir DIR] [--update] [-q]\n\n"
          "CI gate on schedule quality. DIR (default %s) holds suite.txt, one\n"
          "'SCENARIO POLICY' pair per line (# comments allowed), and one baseline JSON per\n"
          "pair. Each pair is run as 'vdistorm schedule SCENARIO --policy POLICY --validate'\n"
          "and its metrics are compared with the baseline; a metric that got worse by more\n"
          "than its tolerance is a regression:\n",
          DEFAULT_DIR);
  for (size_t i = 0; i < N_METRICS; i++) {
    const struct metric *m = &metrics[i];
    if (m->dir == MUST_STAY_FALSE)
      fprintf(out, "  %-16s must stay false\n", m->key);
    else if (m->rel_tol > 0)
      fprintf(out, "  %-16s %s is better; tolerance %.0f %%\n", m->key,
              m->dir == LOWER_IS_BETTER ? "lower" : "higher", 100 * m->rel_tol);
    else
      fprintf(out, "  %-16s %s is better; tolerance %g\n", m->key, m->dir == LOWER_IS_BETTER ? "lower" : "higher",
              m->abs_tol);
  }
  fprintf(out, "\nPrints old vs new for every metric; exits 1 on any regression, on a pair\n"
               "without a baseline, or when a run fails; 0 otherwise.\n"
               "  --update   rewrite the baselines from this run (after a deliberate change)\n");
}

/* Run this binary with `argv` and return its stdout (malloc'ed) or NULL. */
static char *run_child(char *const argv[], int *status)
{
  int fds[2];
  pid_t pid;
  size_t len = 0, cap = 1 << 16;
  char *buf = malloc(cap);
  ssize_t got;

  if (!buf || pipe(fds) != 0) {
    free(buf);
    return NULL;
  }
  if ((pid = fork()) == 0) {
    dup2(fds[1], 1);
    close(fds[0]);
    close(fds[1]);
    execv("/proc/self/exe", argv);
    _exit(127);
  }
  close(fds[1]);
  while (pid > 0 && (got = read(fds[0], buf + len, cap - len - 1)) > 0) {
    len += (size_t)got;
    if (cap - len < 2) {
      char *grown = realloc(buf, cap *= 2);
      if (!grown)
        break;
      buf = grown;
    }
  }
  close(fds[0]);
  buf[len] = '\0';
  if (pid < 0 || waitpid(pid, status, 0) < 0) {
    free(buf);
    return NULL;
  }
  return buf;
}

static void baseline_path(const char *dir, const char *scenario, const char *policy, char *out, size_t len)
{
  const char *base = strrchr(scenario, '/');
  char name[256];
  size_t n = 0;
  base = base ? base + 1 : scenario;
  for (const char *p = base; *p && *p != '.' && n < 120; p++)
    name[n++] = *p;
  name[n++] = '-';
  name[n++] = '-';
  for (const char *p = policy; *p && n < sizeof(name) - 1; p++)
    name[n++] = (*p == ':' || *p == '/') ? '_' : *p;
  name[n] = '\0';
  snprintf(out, len, "%s/%s.json", dir, name);
}

static double metric_value(const cJSON *o, const char *key)
{
  const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
  if (cJSON_IsBool(v))
    return cJSON_IsTrue(v) ? 1 : 0;
  return cJSON_IsNumber(v) ? v->valuedouble : NAN;
}

/* 1 if `now` is worse than `old` beyond the metric's tolerance. */
static int worse(const struct metric *m, double old, double now)
{
  if (isnan(now))
    return 1;
  switch (m->dir) {
  case MUST_STAY_FALSE: return old == 0 && now != 0;
  case HIGHER_IS_BETTER: return now < old - m->abs_tol - m->rel_tol * fabs(old) - 1e-9;
  default: return now > old + m->abs_tol + m->rel_tol * fabs(old) + 1e-9;
  }
}

static int better(const struct metric *m, double old, double now)
{
  if (m->dir == HIGHER_IS_BETTER)
    return now > old + 1e-9;
  return now < old - m->abs_tol - m->rel_tol * fabs(old) - 1e-9;
}

static int write_baseline(const char *path, const char *scenario, const char *policy, const cJSON *validation)
{
  cJSON *o = cJSON_CreateObject(), *m = cJSON_AddObjectToObject(o, "metrics");
  cJSON_AddStringToObject(o, "scenario", scenario);
  cJSON_AddStringToObject(o, "policy", policy);
  for (size_t i = 0; i < N_METRICS; i++) {
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(validation, metrics[i].key);
    if (v)
      cJSON_AddItemToObject(m, metrics[i].key, cJSON_Duplicate(v, 1));
  }
  char *text = cJSON_Print(o);
  FILE *f = text ? fopen(path, "w") : NULL;
  int rc = VS_OK;
  if (!f || fputs(text, f) < 0 || fputc('\n', f) < 0)
    rc = vs_error_set(VS_EIO, "%s: cannot write: %s", path, strerror(errno));
  if (f && fclose(f) != 0)
    rc = vs_error_set(VS_EIO, "%s: cannot write", path);
  free(text);
  cJSON_Delete(o);
  return rc;
}

/* One pair: run it, compare, print. Returns the number of problems. */
static int check_pair(const regress_args *a, const char *scenario, const char *policy, int line_no)
{
  char path[1024];
  char *argv[] = {"vdistorm", "schedule", (char *)scenario, "--policy", (char *)policy, "--validate",
                  "--json", "--no-save", "-q", NULL};
  int status = 0, problems = 0;
  char *out = run_child(argv, &status);
  cJSON *run = out ? cJSON_Parse(out) : NULL, *old = NULL;
  const cJSON *v = cJSON_GetObjectItemCaseSensitive(run, "validation");

  free(out);
  printf("%s --policy %s\n", scenario, policy);
  if (!v) {
    printf("  FAILED: the run printed no validation (exit status %d; suite line %d)\n",
           WIFEXITED(status) ? WEXITSTATUS(status) : -1, line_no);
    cJSON_Delete(run);
    return 1;
  }
  baseline_path(a->dir, scenario, policy, path, sizeof(path));
  if (a->update) {
    int rc = write_baseline(path, scenario, policy, v);
    printf("  %s %s\n", rc == VS_OK ? "wrote" : "FAILED to write", path);
    cJSON_Delete(run);
    return rc != VS_OK;
  }
  vs_json_read(path, &old); /* unreadable or not JSON: no baseline, said below */
  const cJSON *om = cJSON_GetObjectItemCaseSensitive(old, "metrics");
  if (!om) {
    printf("  NO BASELINE: %s (create it with vdistorm regress --update)\n", path);
    cJSON_Delete(run);
    cJSON_Delete(old);
    return 1;
  }
  printf("  %-16s %12s %12s  %s\n", "metric", "baseline", "now", "");
  for (size_t i = 0; i < N_METRICS; i++) {
    const struct metric *m = &metrics[i];
    double was = metric_value(om, m->key), now = metric_value(v, m->key);
    if (isnan(was))
      continue;
    const char *verdict = worse(m, was, now) ? "REGRESSION" : better(m, was, now) ? "better" : "ok";
    problems += worse(m, was, now);
    printf("  %-16s %12.4g %12.4g  %s\n", m->key, was, now, verdict);
  }
  cJSON_Delete(run);
  cJSON_Delete(old);
  return problems;
}

static int run_suite(const regress_args *a)
{
  char path[1024], line[1024];
  int line_no = 0, pairs = 0, failed = 0;
  snprintf(path, sizeof(path), "%s/suite.txt", a->dir);
  FILE *f = fopen(path, "r");
  if (!f) {
    fprintf(stderr, "vdistorm regress: %s: cannot read: %s\n", path, strerror(errno));
    return VS_EXIT_USAGE;
  }
  while (fgets(line, sizeof(line), f)) {
    char scenario[512], policy[128], extra[2];
    line_no++;
    line[strcspn(line, "#\r\n")] = '\0';
    int n = sscanf(line, "%511s %127s %1s", scenario, policy, extra);
    if (n <= 0)
      continue;
    if (n != 2) {
      fprintf(stderr, "vdistorm regress: %s:%d: expected 'SCENARIO POLICY'\n", path, line_no);
      fclose(f);
      return VS_EXIT_USAGE;
    }
    pairs++;
    failed += check_pair(a, scenario, policy, line_no) > 0;
    fflush(stdout);
  }
  fclose(f);
  if (a->update)
    printf("%d baseline%s written, %d failed\n", pairs - failed, pairs - failed == 1 ? "" : "s", failed);
  else
    printf("regress: %d passed, %d failed\n", pairs - failed, failed);
  return failed ? VS_EXIT_FAIL : VS_EXIT_OK;
}

static int run(int argc, char **argv)
{
  regress_args a = {DEFAULT_DIR, 0, 0};
  for (int i = 1; i < argc; i++) {
    if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
      help(stdout);
      return VS_EXIT_OK;
    } else if (!strcmp(argv[i], "--update"))
      a.update = 1;
    else if (!strcmp(argv[i], "-q") || !strcmp(argv[i], "--quiet"))
      a.quiet = 1;
    else if (!strcmp(argv[i], "--dir") && i + 1 < argc)
      a.dir = argv[++i];
    else {
      fprintf(stderr, "vdistorm regress: unknown option '%s' (see vdistorm regress --help)\n", argv[i]);
      return VS_EXIT_USAGE;
    }
  }
  return run_suite(&a);
}

const vs_command vs_cmd_regress = {"regress", "CI gate: schedule quality vs committed baselines", run, help};

/* vdistorm failover: an HA restart storm after a host failure. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "core/error.h"
#include "core/units.h"
#include "report/json.h"
#include "report/series.h"
#include "report/text.h"
#include "study/failover.h"
#include "scenario/placement.h"
#include "study/threshold.h"
#include "study_opts.h"

enum { OPT_FAIL = VS_OPT_FIRST_OWN, OPT_AT, OPT_POLICY, OPT_PRIORITY };

typedef struct {
  const vs_scenario *sc;
  int fail;
  double at_s;
  int at_given;
  vs_restart_policy policies[VS_RESTART_POLICIES];
  int n_policies;
  const char *priority_arg; /* --priority CLASS[,CLASS...] */
  int priority[VS_MAX_CLASSES];
  vs_cli_progress *progress;
  vs_study_threshold threshold;
  vs_capacity cap;
  vs_failover f;
  vs_study_failover study;
} failover_args;

static void help(FILE *out)
{
  fprintf(out,
          "usage: vdistorm failover [SCENARIO] --fail N --at HH:MM [--policy P] [--priority CLASS,...]\n"
          "                         [--json] [-o DIR] [--no-save] [--force] [-q] [-v]\n\n"
          "A host failure in the working day: hosts 0 .. N-1 fail at --at and HA restarts\n"
          "their desktops on the survivors, beside the desktops still running there (every\n"
          "deadline up to --at has passed; each keeps boot.steady_cpu and boot.steady_read\n"
          "busy). Admission control first: the survivors' free slots (hosts.vm_slots) take\n"
          "the failed desktops in restart order; the rest are not restarted. Then each\n"
          "restart policy is simulated from the failure:\n"
          "  all-at-once  every admitted desktop at once (what HA does by default)\n"
          "  throttled    at most the threshold at once, shared out over the HDDs: each\n"
          "               HDD's desktops restart in turn\n"
          "  priority     throttled, classes of higher workload.classes[].priority first\n"
          "and reported side by side: time until every restarted desktop is ready again\n"
          "(max and p95 from the failure), whether the restart was a storm (a restart\n"
          "slower than storm.max_slowdown x one restarting alone under the same load),\n"
          "and how much the survivors' running desktops were slowed (CPU and reads,\n"
          "wanted / got). The hardware's threshold is searched first (idle hosts).\n\n"
          "  --fail N        hosts that fail (1 .. hosts.count - 1)\n"
          "  --at HH:MM      when (desktops of deadlines up to then are running)\n"
          "  --policy P      one policy instead of all three\n"
          "  --priority C,.. restart these classes first, in this order (overrides the\n"
          "                  scenario's priorities)\n"
          "  --json          {failed_hosts[], restarted, not_admitted, not_admitted_vms[],\n"
          "                  restart_alone_s, policies:{P:{restore_max_s, restore_p95_s, storm,\n"
          "                  slowest_ratio, survivor_slowdown, survivor_cpu_slowdown,\n"
          "                  survivor_read_slowdown}}}\n"
          "  -o DIR          summary.json and, per policy, P-vms.csv and P-timeseries.csv\n"
          "                  (vdistorm plot DIR draws them)\n"
          "  --no-save, --force, -q, -v   as for 'vdistorm boot'\n"
          "Exit 1 when a desktop could not be restarted (no free slot).\n");
}

static int study(vs_backend *b, void *payload)
{
  failover_args *a = payload;
  int rc;
  if ((rc = vs_cli_measure_capacity(b, a->progress, &a->threshold, &a->cap)) != VS_OK)
    return rc;
  vs_cli_progress_phase(a->progress, "restarts after the failure");
  return vs_study_failover_run_all(&a->study, b, &a->cap, &a->f, a->policies, a->n_policies);
}

static double survivor_slowdown(const vs_study_failover_run *r)
{
  return r->survivor_cpu_slowdown > r->survivor_read_slowdown ? r->survivor_cpu_slowdown : r->survivor_read_slowdown;
}

static cJSON *summary(void *payload)
{
  failover_args *a = payload;
  char at[32];
  cJSON *j = cJSON_CreateObject();
  cJSON_AddStringToObject(j, "scenario", a->sc->name);
  cJSON_AddStringToObject(j, "at", vs_clock_format(a->at_s, at, sizeof(at)));
  cJSON *hosts = cJSON_AddArrayToObject(j, "failed_hosts");
  for (int h = 0; h < a->fail; h++) {
    char name[32];
    cJSON_AddItemToArray(hosts, cJSON_CreateString(vs_placement_host_name(h, name, sizeof(name))));
  }
  cJSON_AddNumberToObject(j, "running", a->f.running);
  cJSON_AddNumberToObject(j, "restarted", a->f.admitted);
  cJSON_AddNumberToObject(j, "not_admitted", a->f.not_admitted);
  cJSON *na = cJSON_AddArrayToObject(j, "not_admitted_vms");
  for (size_t i = 0; i < a->f.n; i++)
    if (a->f.vms[i].host < 0)
      cJSON_AddItemToArray(na, cJSON_CreateNumber(a->f.vms[i].vm));
  cJSON_AddNumberToObject(j, "restart_alone_s", a->study.restart_alone_s);
  cJSON_AddNumberToObject(j, "threshold", a->cap.threshold);
  cJSON *pol = cJSON_AddObjectToObject(j, "policies");
  for (int i = 0; i < a->study.n_runs; i++) {
    const vs_study_failover_run *r = &a->study.runs[i];
    cJSON *p = cJSON_AddObjectToObject(pol, vs_restart_policy_name(r->policy));
    cJSON_AddNumberToObject(p, "restore_max_s", r->restore_max_s);
    cJSON_AddNumberToObject(p, "restore_p95_s", r->restore_p95_s);
    cJSON_AddBoolToObject(p, "storm", r->storm);
    cJSON_AddNumberToObject(p, "slowest_ratio", r->slowest_ratio);
    cJSON_AddNumberToObject(p, "survivor_slowdown", survivor_slowdown(r));
    cJSON_AddNumberToObject(p, "survivor_cpu_slowdown", r->survivor_cpu_slowdown);
    cJSON_AddNumberToObject(p, "survivor_read_slowdown", r->survivor_read_slowdown);
  }
  return j;
}

static void text(void *payload)
{
  failover_args *a = payload;
  char at[32], name[32];
  printf("%s: %d host%s fail at %s; %d desktops running, %zu on the failed host%s\n", a->sc->name, a->fail,
         a->fail == 1 ? "" : "s", vs_clock_format(a->at_s, at, sizeof(at)), a->f.running, a->f.n,
         a->fail == 1 ? "" : "s");
  if (a->f.not_admitted) {
    printf("admission: %d restarted, %d NOT restarted (no free slot on the survivors, hosts.vm_slots %d):",
           a->f.admitted, a->f.not_admitted, a->sc->hosts.vm_slots);
    int shown = 0;
    for (size_t i = 0; i < a->f.n && shown < 20; i++)
      if (a->f.vms[i].host < 0)
        printf(" %d", a->f.vms[i].vm), shown++;
    printf("%s\n", a->f.not_admitted > shown ? " ..." : "");
  } else
    printf("admission: all %d restarted (the survivors have the slots)\n", a->f.admitted);
  printf("one desktop restarting alone under the survivors' load: %.1f s (threshold %d on idle hosts)\n\n",
         a->study.restart_alone_s, a->cap.threshold);
  printf("%-13s %12s %12s %8s %9s %18s\n", "policy", "restore max", "restore p95", "storm", "slowest", "survivors slowed");
  for (int i = 0; i < a->study.n_runs; i++) {
    const vs_study_failover_run *r = &a->study.runs[i];
    printf("%-13s %10.1f s %10.1f s %8s %8.2fx %9.2fx cpu %.2fx rd\n", vs_restart_policy_name(r->policy),
           r->restore_max_s, r->restore_p95_s, r->storm ? "YES" : "no", r->slowest_ratio, r->survivor_cpu_slowdown,
           r->survivor_read_slowdown);
  }
  (void)name;
}

static int write_outputs(vs_outdir *d, void *payload)
{
  failover_args *a = payload;
  int rc = VS_OK;
  for (int i = 0; i < a->study.n_runs && rc == VS_OK; i++) {
    char prefix[40];
    snprintf(prefix, sizeof(prefix), "%s-", vs_restart_policy_name(a->study.runs[i].policy));
    if (a->study.runs[i].result)
      rc = vs_series_write_boot(d, prefix, a->sc, a->study.runs[i].result);
  }
  return rc;
}

static int option(void *ctx, int opt, const char *arg)
{
  failover_args *a = ctx;
  int rc;
  switch (opt) {
  case OPT_FAIL: return (rc = vs_cli_int_arg("--fail", arg, 1, 100000, &a->fail)) < 0 ? rc : 1;
  case OPT_AT:
    if (vs_unit_parse(arg, VS_UNIT_CLOCK, &a->at_s) != VS_OK)
      return vs_error_set(VS_EINPUT, "--at: '%s' is not a time of day (expected HH:MM from 00:00 to 24:00)", arg);
    a->at_given = 1;
    return 1;
  case OPT_POLICY:
    if ((rc = vs_restart_policy_parse(arg, &a->policies[0])) != VS_OK)
      return rc;
    a->n_policies = 1;
    return 1;
  case OPT_PRIORITY:
    if (!*arg)
      return vs_error_set(VS_EINPUT, "--priority needs class names (CLASS[,CLASS...])");
    a->priority_arg = arg;
    return 1;
  }
  return 0;
}

/* --priority windows,linux: the first named restarts first; classes not
 * named come after, in the scenario's order. */
static int parse_priority(failover_args *a, const vs_scenario *sc)
{
  char buf[512];
  int rank = (int)sc->n_classes + 100;
  for (size_t c = 0; c < sc->n_classes; c++)
    a->priority[c] = 0;
  snprintf(buf, sizeof(buf), "%s", a->priority_arg);
  for (char *save = NULL, *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
    size_t c = 0;
    while (c < sc->n_classes && strcmp(sc->classes[c].name, tok))
      c++;
    if (c == sc->n_classes)
      return vs_error_set(VS_EINPUT, "--priority: '%s' is not a desktop class of %s", tok, sc->path);
    a->priority[c] = rank--;
  }
  return VS_OK;
}

static int run(int argc, char **argv)
{
  static const struct option options[] = {{"fail", required_argument, NULL, OPT_FAIL},
                                          {"at", required_argument, NULL, OPT_AT},
                                          {"policy", required_argument, NULL, OPT_POLICY},
                                          {"priority", required_argument, NULL, OPT_PRIORITY},
                                          {0}};
  vs_cli_common o = VS_CLI_COMMON_INIT;
  failover_args a = {.n_policies = 0};
  vs_cli_spec spec = {.cmd = &vs_cmd_failover, .options = options, .on_option = option, .ctx = &a, .common = 1,
                      .positional = 1};
  vs_scenario *sc = NULL;
  int rc, code = VS_EXIT_OK;

  if ((rc = vs_cli_parse(argc, argv, &spec, &o)) != 0)
    return rc > 0 ? VS_EXIT_OK : vs_cli_fail(rc);
  if (!a.fail || !a.at_given)
    return vs_cli_fail(vs_error_set(VS_EINPUT, "failover: --fail N and --at HH:MM are required"));
  if (!a.n_policies) {
    for (int i = 0; i < VS_RESTART_POLICIES; i++)
      a.policies[i] = (vs_restart_policy)i;
    a.n_policies = VS_RESTART_POLICIES;
  }
  if ((rc = vs_cli_load_scenario(&o, &sc)) != VS_OK)
    return vs_cli_fail(rc);
  a.sc = sc;
  /* Bad input is reported before anything runs. */
  if ((a.priority_arg && (rc = parse_priority(&a, sc)) != VS_OK) ||
      (rc = vs_failover_build(sc, a.fail, a.at_s, a.priority_arg ? a.priority : NULL, &a.f)) != VS_OK)
    goto done;
  a.progress = vs_cli_progress_new(&o);
  rc = vs_cli_run_job(&o, sc, a.progress,
                      &(vs_cli_job){.study = study, .summary = summary, .text = text, .write = write_outputs}, &a);
  if (rc == VS_OK && a.f.not_admitted)
    code = VS_EXIT_FAIL;
done:
  if (rc != VS_OK)
    code = vs_cli_fail(rc);
  vs_study_failover_clear(&a.study);
  vs_study_threshold_clear(&a.threshold);
  vs_failover_clear(&a.f);
  vs_scenario_free(sc);
  return code;
}

const vs_command vs_cmd_failover = {"failover", "HA restart storm after a host failure", run, help};

/* Option parsing shared by every command: getopt_long, the common options,
 * the scenario argument, and one-line error reporting. */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "cli.h"
#include "core/error.h"
#include "core/interrupt.h"
#include "core/units.h"
#include "demand/calendar.h"
#include "demand/workload.h"

#define DEFAULT_SCENARIO "scenarios/braids-case-study.yaml"
#define MAX_OPTIONS 64

const char *vs_cli_default_scenario(void)
{
  /* From a checkout use the working copy; elsewhere the source tree's. */
  if (access(DEFAULT_SCENARIO, R_OK) == 0)
    return DEFAULT_SCENARIO;
  return VS_SOURCE_DIR "/" DEFAULT_SCENARIO;
}

/* The one piece of process-wide CLI state: whether this run reports a
 * failure as JSON on stdout too (--json anywhere on the command line, set
 * by main before the command parses its options). */
static int json_errors;

void vs_cli_json_errors(int on) { json_errors = on; }

/* "FILE:LINE:COL: key.path: what" (scenarios), "FILE:LINE: what" (CSV
 * files) or just "what": the parts, for CI pipelines that read JSON. */
static void print_json_error(const char *msg)
{
  cJSON *root = cJSON_CreateObject(), *e = cJSON_AddObjectToObject(root, "error");
  const char *rest = msg, *colon = strstr(msg, ": ");
  if (colon) {
    /* FILE:LINE[:COL] is the text before the first ": " ending in digits. */
    char head[1024];
    snprintf(head, sizeof(head), "%.*s", (int)(colon - msg), msg);
    char *c2 = strrchr(head, ':'), *end;
    long a = c2 ? strtol(c2 + 1, &end, 10) : -1;
    if (c2 && c2[1] && !*end && a >= 0) {
      *c2 = '\0';
      char *c1 = strrchr(head, ':');
      long b = c1 ? strtol(c1 + 1, &end, 10) : -1;
      int has_col = c1 && c1[1] && !*end && b > 0;
      if (has_col)
        *c1 = '\0';
      cJSON_AddStringToObject(e, "file", head);
      cJSON_AddNumberToObject(e, "line", (double)(has_col ? b : a));
      if (has_col)
        cJSON_AddNumberToObject(e, "col", (double)a);
      rest = colon + 2;
      /* A key path (hosts.count, workload.demand[2].vms) before the next ": ". */
      const char *k = strstr(rest, ": ");
      size_t klen = k ? (size_t)(k - rest) : 0;
      if (k && klen > 0 && klen < 256 && strspn(rest, "abcdefghijklmnopqrstuvwxyz0123456789_.[]") == klen) {
        char key[256];
        snprintf(key, sizeof(key), "%.*s", (int)klen, rest);
        cJSON_AddStringToObject(e, "key", key);
        rest = k + 2;
      }
    }
  }
  cJSON_AddStringToObject(e, "message", rest);
  char *text = cJSON_PrintUnformatted(root);
  if (text)
    printf("%s\n", text);
  fflush(stdout);
  free(text);
  cJSON_Delete(root);
}

int vs_cli_fail(int rc)
{
  const char *msg = vs_error_last();
  fprintf(stderr, "vdistorm: %s\n", *msg ? msg : "failed");
  if (json_errors)
    print_json_error(*msg ? msg : "failed");
  if (rc == VS_EINTR || vs_interrupted())
    return vs_interrupt_exit_code();
  return rc == VS_EINPUT || rc == VS_EIO ? VS_EXIT_USAGE : VS_EXIT_FAIL;
}

int vs_cli_int_arg(const char *opt, const char *value, int min, int max, int *out)
{
  long v;
  if (!value || !*value)
    return vs_error_set(VS_EINPUT, "%s needs a value", opt);
  if (vs_parse_long(value, &v) != VS_OK || v < min || v > max)
    return vs_error_set(VS_EINPUT, "%s: '%s' is not a whole number from %d to %d", opt, value, min, max);
  *out = (int)v;
  return VS_OK;
}

int vs_cli_date_arg(const char *opt, const char *value, int *year, int *month, int *day)
{
  vs_date d;
  if (!value || !*value)
    return vs_error_set(VS_EINPUT, "%s needs a date (YYYY-MM-DD)", opt);
  if (vs_cal_parse_date(value, &d) < 0)
    return vs_error_set(VS_EINPUT, "%s: %s", opt, vs_error_last());
  *year = d.year;
  *month = d.month;
  *day = d.day;
  return VS_OK;
}

int vs_cli_load_scenario(const vs_cli_common *o, vs_scenario **sc)
{
  vs_overrides set = VS_OVERRIDES_INIT;
  int rc = VS_OK;
  for (int i = 0; i < o->n_set && rc == VS_OK; i++)
    rc = vs_overrides_add(&set, o->set[i], NULL);
  if (rc == VS_OK)
    rc = vs_workload_scenario_load_overrides(sc, o->scenario_path ? o->scenario_path : vs_cli_default_scenario(),
                                             &set);
  vs_overrides_clear(&set);
  return rc;
}

static const struct option common_options[] = {
    {"json", no_argument, NULL, VS_OPT_JSON},    {"output", required_argument, NULL, 'o'},
    {"no-save", no_argument, NULL, VS_OPT_NO_SAVE}, {"quiet", no_argument, NULL, 'q'},
    {"verbose", no_argument, NULL, 'v'},         {"force", no_argument, NULL, VS_OPT_FORCE},
    {"set", required_argument, NULL, VS_OPT_SET},
};
#define N_COMMON (sizeof(common_options) / sizeof(common_options[0]))

static int common_option(vs_cli_common *o, int opt, const char *arg)
{
  switch (opt) {
  case VS_OPT_JSON: o->json = 1; return 1;
  case VS_OPT_NO_SAVE: o->no_save = 1; return 1;
  case VS_OPT_FORCE: o->force = 1; return 1;
  case 'q': o->quiet = 1; return 1;
  case 'v': o->verbose = 1; return 1;
  case VS_OPT_SET:
    if (o->n_set >= VS_CLI_MAX_SET)
      return vs_error_set(VS_EINPUT, "--set: at most %d overrides", VS_CLI_MAX_SET);
    o->set[o->n_set++] = arg;
    return 1;
  case 'o':
    if (!*arg)
      return vs_error_set(VS_EINPUT, "--output needs a directory");
    o->out_dir = arg;
    return 1;
  }
  return 0;
}

/* The name of the option getopt stopped at, for messages. */
static const char *option_name(int argc, char **argv, char *buf, size_t len)
{
  const char *a = optind - 1 < argc && optind > 0 ? argv[optind - 1] : "?";
  if (optopt && optopt < 0x100 && (a[0] != '-' || a[1] == '-' || strlen(a) > 2))
    snprintf(buf, len, "-%c", optopt);
  else
    snprintf(buf, len, "%.*s", (int)strcspn(a, "="), a);
  return buf;
}

int vs_cli_parse(int argc, char **argv, const vs_cli_spec *spec, vs_cli_common *common)
{
  struct option all[MAX_OPTIONS];
  char shorts[128], name[64], where[96];
  size_t n = 0;
  int positional = 0;

  snprintf(where, sizeof(where), "%s", spec->subcommand ? spec->subcommand : spec->cmd->name);
  for (const struct option *o = spec->options; o && o->name && n < MAX_OPTIONS - N_COMMON - 2; o++)
    all[n++] = *o;
  if (spec->common)
    for (size_t i = 0; i < N_COMMON; i++)
      all[n++] = common_options[i];
  all[n++] = (struct option){"help", no_argument, NULL, 'h'};
  all[n] = (struct option){0};
  /* Leading ':' so that a missing value is told apart from an unknown option. */
  snprintf(shorts, sizeof(shorts), ":h%s%s", spec->common ? "o:qv" : "", spec->short_options ? spec->short_options : "");

  opterr = 0;
  optind = 0; /* GNU: re-initialise (a command may parse after main did) */
  for (;;) {
    int opt = getopt_long(argc, argv, shorts, all, NULL), rc = 0;
    if (opt == -1)
      break;
    if (opt == 'h') {
      spec->cmd->help(stdout);
      return 1;
    }
    if (opt == '?')
      return vs_error_set(VS_EINPUT, "%s: unknown option '%s' (see vdistorm %s --help)", where,
                          option_name(argc, argv, name, sizeof(name)), spec->cmd->name);
    if (opt == ':')
      return vs_error_set(VS_EINPUT, "%s: option '%s' needs a value", where,
                          option_name(argc, argv, name, sizeof(name)));
    if (spec->on_option)
      rc = spec->on_option(spec->ctx, opt, optarg);
    if (rc == 0 && spec->common)
      rc = common_option(common, opt, optarg);
    if (rc < 0)
      return rc;
    if (rc == 0)
      return vs_error_set(VS_EINPUT, "%s: unknown option '%s' (see vdistorm %s --help)", where,
                          option_name(argc, argv, name, sizeof(name)), spec->cmd->name);
  }
  for (int i = optind; i < argc; i++) {
    if (positional >= spec->positional)
      return vs_error_set(VS_EINPUT, "%s: unexpected argument '%s'%s", where, argv[i],
                          spec->positional ? " (one scenario at a time)" : "");
    if (common)
      common->scenario_path = argv[i];
    positional++;
  }
  return 0;
}

/* vdistorm dataset: the paper's synthetic usage data (models/demand/dataset). */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "core/error.h"
#include "core/units.h"
#include "demand/calendar.h"
#include "demand/dataset.h"
#include "report/json.h"

#define DEFAULT_OUT "data/usage.csv"

enum { OPT_FROM = VS_OPT_FIRST_OWN, OPT_TO, OPT_SEED, OPT_EMPLOYEES, OPT_NOISE };

typedef struct {
  vs_dataset_options o;
  const char *out;
  int json;
} dataset_args;

static void help(FILE *out)
{
  fprintf(out, "usage: vdistorm dataset [--from DATE] [--to DATE] [--seed N] [--employees N] [--noise N]\n"
               "                        [-o FILE] [--json]\n\n"
               "Generate the BRAIDS paper's synthetic VDI usage data: a company whose staff\n"
               "arrives at 07, 08, 09 and 10 h (10/40/30/10 %%, each hour +-noise people), with\n"
               "no use on weekends and South Korean public holidays. One row per (date, hour):\n"
               "  %s\n\n"
               "  --from DATE     first date, YYYY-MM-DD (default 2013-01-01)\n"
               "  --to DATE       last date (default 2023-12-31; 1990..2050 supported)\n"
               "  --seed N        PRNG seed (default 42); the same seed gives the same file\n"
               "  --employees N   staff size (default 1000)\n"
               "  --noise N       max noise per hour, people (default 50)\n"
               "  -o FILE         output CSV (default %s; '-' for stdout)\n"
               "  --json          print {\"path\",\"rows\",\"from\",\"to\",\"seed\"} on stdout\n",
          VS_USAGE_CSV_HEADER, DEFAULT_OUT);
}

static int option(void *ctx, int opt, const char *arg)
{
  dataset_args *a = ctx;
  long s;
  int rc;
  switch (opt) {
  case OPT_FROM: rc = vs_cli_date_arg("--from", arg, &a->o.from.year, &a->o.from.month, &a->o.from.day); break;
  case OPT_TO: rc = vs_cli_date_arg("--to", arg, &a->o.to.year, &a->o.to.month, &a->o.to.day); break;
  case OPT_SEED:
    if (vs_parse_long(arg, &s) < 0 || s < 0)
      return vs_error_set(VS_EINPUT, "--seed: '%s' is not a whole number >= 0", arg);
    a->o.seed = (uint64_t)s;
    return 1;
  case OPT_EMPLOYEES: rc = vs_cli_int_arg("--employees", arg, 1, 10000000, &a->o.employees); break;
  case OPT_NOISE: rc = vs_cli_int_arg("--noise", arg, 0, 10000000, &a->o.noise); break;
  case 'o':
    if (!*arg)
      return vs_error_set(VS_EINPUT, "--output needs a file");
    a->out = arg;
    return 1;
  case VS_OPT_JSON: a->json = 1; return 1;
  default: return 0;
  }
  return rc < 0 ? rc : 1;
}

static int run(int argc, char **argv)
{
  static const struct option options[] = {
      {"from", required_argument, NULL, OPT_FROM},           {"to", required_argument, NULL, OPT_TO},
      {"seed", required_argument, NULL, OPT_SEED},           {"employees", required_argument, NULL, OPT_EMPLOYEES},
      {"noise", required_argument, NULL, OPT_NOISE},         {"output", required_argument, NULL, 'o'},
      {"json", no_argument, NULL, VS_OPT_JSON},              {0}};
  dataset_args a = {.o = VS_DATASET_OPTIONS_INIT, .out = DEFAULT_OUT};
  vs_cli_spec spec = {.cmd = &vs_cmd_dataset, .options = options, .short_options = "o:", .on_option = option,
                      .ctx = &a};
  vs_usage_row *rows = NULL;
  size_t n = 0;
  char from[16], to[16];
  int rc;

  if ((rc = vs_cli_parse(argc, argv, &spec, NULL)) != 0)
    return rc > 0 ? VS_EXIT_OK : vs_cli_fail(rc);
  if (a.o.from.year < VS_CAL_FIRST_YEAR || a.o.to.year > VS_CAL_LAST_YEAR)
    return vs_cli_fail(vs_error_set(VS_EINPUT, "dates must lie in %d..%d (the calendar's range)", VS_CAL_FIRST_YEAR,
                                    VS_CAL_LAST_YEAR));
  if ((rc = vs_dataset_generate(&a.o, &rows, &n)) < 0)
    return vs_cli_fail(rc);
  if (!strcmp(a.out, "-")) {
    rc = vs_dataset_write_stream(stdout, rows, n);
    a.json = 0; /* stdout carries the CSV */
  } else
    rc = vs_dataset_write_csv(a.out, rows, n);
  free(rows);
  if (rc < 0)
    return vs_cli_fail(rc);
  vs_cal_format_date(a.o.from, from, sizeof(from));
  vs_cal_format_date(a.o.to, to, sizeof(to));
  if (a.json) {
    cJSON *j = cJSON_CreateObject();
    cJSON_AddStringToObject(j, "path", a.out);
    cJSON_AddNumberToObject(j, "rows", (double)n);
    cJSON_AddStringToObject(j, "from", from);
    cJSON_AddStringToObject(j, "to", to);
    cJSON_AddNumberToObject(j, "seed", (double)a.o.seed);
    vs_json_print(j);
    cJSON_Delete(j);
  } else if (strcmp(a.out, "-") != 0)
    printf("%s: %zu rows, %s .. %s, seed %llu\n", a.out, n, from, to, (unsigned long long)a.o.seed);
  return VS_EXIT_OK;
}

const vs_command vs_cmd_dataset = {"dataset", "generate the synthetic usage data set (CSV)", run, help};

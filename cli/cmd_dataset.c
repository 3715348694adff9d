/* vdistorm dataset: write the paper's synthetic usage data set as CSV. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "demand/calendar.h"
#include "cli.h"
#include "demand/dataset.h"
#include "core/error.h"
#include "core/units.h"

#define DEFAULT_OUT "data/usage.csv"

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

static int run(int argc, char **argv)
{
  vs_dataset_options o = VS_DATASET_OPTIONS_INIT;
  const char *out = DEFAULT_OUT;
  vs_usage_row *rows = NULL;
  size_t n = 0;
  int json = 0, rc = 0;
  char from[16], to[16];

  for (int i = 1; i < argc && rc == 0; i++) {
    const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
    if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
      help(stdout);
      return VS_EXIT_OK;
    } else if (!strcmp(a, "--from")) {
      rc = vs_cli_date_arg(a, v, &o.from), i++;
    } else if (!strcmp(a, "--to")) {
      rc = vs_cli_date_arg(a, v, &o.to), i++;
    } else if (!strcmp(a, "--seed")) {
      long s = 0;
      if (!v || vs_parse_long(v, &s) < 0 || s < 0)
        rc = vs_error_set(VS_EINPUT, "--seed: '%s' is not a whole number >= 0", v ? v : "");
      o.seed = (uint64_t)s, i++;
    } else if (!strcmp(a, "--employees")) {
      rc = vs_cli_int_arg(a, v, 1, 10000000, &o.employees), i++;
    } else if (!strcmp(a, "--noise")) {
      rc = vs_cli_int_arg(a, v, 0, 10000000, &o.noise), i++;
    } else if (!strcmp(a, "-o") || !strcmp(a, "--output")) {
      if (!v || !*v)
        rc = vs_error_set(VS_EINPUT, "%s needs a file", a);
      out = v, i++;
    } else if (!strcmp(a, "--json")) {
      json = 1;
    } else {
      fprintf(stderr, "vdistorm dataset: unknown option '%s' (see vdistorm dataset --help)\n", a);
      return VS_EXIT_USAGE;
    }
  }
  if (rc < 0)
    return vs_cli_fail(rc);
  if (o.from.year < VS_CAL_FIRST_YEAR || o.to.year > VS_CAL_LAST_YEAR)
    return vs_cli_fail(vs_error_set(VS_EINPUT, "dates must lie in %d..%d (the calendar's range)", VS_CAL_FIRST_YEAR,
                                    VS_CAL_LAST_YEAR));
  if ((rc = vs_dataset_generate(&o, &rows, &n)) < 0)
    return vs_cli_fail(rc);
  if (!strcmp(out, "-")) {
    rc = vs_dataset_write_stream(stdout, rows, n);
    json = 0; /* stdout carries the CSV */
  } else
    rc = vs_dataset_write_csv(out, rows, n);
  free(rows);
  if (rc < 0)
    return vs_cli_fail(rc);
  vs_cal_format_date(o.from, from, sizeof(from));
  vs_cal_format_date(o.to, to, sizeof(to));
  if (json) {
    cJSON *j = cJSON_CreateObject();
    cJSON_AddStringToObject(j, "path", out);
    cJSON_AddNumberToObject(j, "rows", (double)n);
    cJSON_AddStringToObject(j, "from", from);
    cJSON_AddStringToObject(j, "to", to);
    cJSON_AddNumberToObject(j, "seed", (double)o.seed);
    vs_json_print(j);
    cJSON_Delete(j);
  } else if (strcmp(out, "-") != 0)
    printf("%s: %zu rows, %s .. %s, seed %llu\n", out, n, from, to, (unsigned long long)o.seed);
  return VS_EXIT_OK;
}

const vs_command vs_cmd_dataset = {"dataset", "generate the synthetic usage data set (CSV)", run, help};

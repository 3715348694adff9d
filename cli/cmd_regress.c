/* vdistorm regress: the CI gate on schedule quality (study/regress). */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "core/error.h"
#include "study/regress.h"

enum { OPT_DIR = VS_OPT_FIRST_OWN, OPT_UPDATE };

static void help(FILE *out)
{
  fprintf(out,
          "usage: vdistorm regress [--dir DIR] [--update] [-q]\n\n"
          "CI gate on schedule quality. DIR (default results/baselines) holds suite.txt, one\n"
          "'SCENARIO POLICY' pair per line (# comments allowed), and one baseline JSON per\n"
          "pair. Each pair is run as 'vdistorm schedule SCENARIO --policy POLICY --validate'\n"
          "and its metrics are compared with the baseline; a metric that got worse by more\n"
          "than its tolerance is a regression:\n");
  for (size_t i = 0; i < vs_regress_n_gates; i++) {
    const vs_regress_gate *g = &vs_regress_gates[i];
    if (g->dir == VS_REGRESS_VERDICT)
      fprintf(out, "  %-20s must not turn true\n", g->key);
    else if (g->rel_tol > 0)
      fprintf(out, "  %-20s %s is better; tolerance %.0f %%\n", g->key,
              g->dir == VS_REGRESS_LOWER_IS_BETTER ? "lower" : "higher", 100 * g->rel_tol);
    else
      fprintf(out, "  %-20s %s is better; tolerance %g\n", g->key,
              g->dir == VS_REGRESS_LOWER_IS_BETTER ? "lower" : "higher", g->abs_tol);
  }
  fprintf(out, "and a pair of the recommended policy (%s) fails whenever it is a storm, in the\n"
               "run or in its baseline.\n", VS_REGRESS_RECOMMENDED);
  fprintf(out, "\nPrints old vs new for every metric; exits 1 on any regression, on a pair\n"
               "without a baseline, or when a run fails; 0 otherwise.\n"
               "  --update   rewrite the baselines from this run (after a deliberate change)\n");
}

static void print_pair(void *ctx, const vs_regress_pair *p)
{
  static const char *verdicts[] = {"ok", "better", "REGRESSION"};
  printf("%s --policy %s\n", p->scenario, p->policy);
  switch (p->state) {
  case VS_REGRESS_RUN_FAILED:
    printf("  FAILED: the run printed no validation (exit status %d; suite line %d)\n", p->exit_status, p->line);
    break;
  case VS_REGRESS_NO_BASELINE:
    printf("  NO BASELINE: %s (create it with vdistorm regress --update)\n", p->baseline);
    break;
  case VS_REGRESS_WROTE: printf("  wrote %s\n", p->baseline); break;
  case VS_REGRESS_WRITE_FAILED: printf("  FAILED to write %s\n", p->baseline); break;
  case VS_REGRESS_COMPARED:
    printf("  %-20s %12s %12s  %s\n", "metric", "baseline", "now", "");
    for (size_t i = 0; i < p->n_metrics; i++)
      printf("  %-20s %12.4g %12.4g  %s\n", p->metrics[i].gate->key, p->metrics[i].was, p->metrics[i].now,
             verdicts[p->metrics[i].verdict]);
    if (p->recommended_storm)
      printf("  REGRESSION: %s is the recommended policy and must never be a storm\n", p->policy);
  }
  fflush(stdout);
}

typedef struct {
  vs_regress_options o;
} regress_args;

static int option(void *ctx, int opt, const char *arg)
{
  regress_args *a = ctx;
  switch (opt) {
  case OPT_DIR: a->o.dir = arg; return 1;
  case OPT_UPDATE: a->o.update = 1; return 1;
  case 'q': return 1; /* accepted: the table is the output */
  }
  return 0;
}

static int run(int argc, char **argv)
{
  static const struct option options[] = {{"dir", required_argument, NULL, OPT_DIR},
                                          {"update", no_argument, NULL, OPT_UPDATE},
                                          {"quiet", no_argument, NULL, 'q'},
                                          {0}};
  regress_args a = {.o = VS_REGRESS_OPTIONS_INIT};
  vs_cli_spec spec = {.cmd = &vs_cmd_regress, .options = options, .short_options = "q", .on_option = option,
                      .ctx = &a};
  int rc, passed, failed;

  a.o.on_pair = print_pair;
  if ((rc = vs_cli_parse(argc, argv, &spec, NULL)) != 0)
    return rc > 0 ? VS_EXIT_OK : vs_cli_fail(rc);
  if ((rc = vs_regress_run(&a.o, &passed, &failed)) != VS_OK)
    return vs_cli_fail(rc);
  if (a.o.update)
    printf("%d baseline%s written, %d failed\n", passed, passed == 1 ? "" : "s", failed);
  else
    printf("regress: %d passed, %d failed\n", passed, failed);
  return failed ? VS_EXIT_FAIL : VS_EXIT_OK;
}

const vs_command vs_cmd_regress = {"regress", "CI gate: schedule quality vs committed baselines", run, help};

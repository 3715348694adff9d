/* The regression study: the CI gate on schedule quality. Every
 * (scenario, policy) pair of a suite runs `schedule --validate` in a child
 * process (SimGrid runs once per process); its metrics are compared with a
 * committed baseline within stated tolerances. */
#ifndef VS_STUDY_REGRESS_H
#define VS_STUDY_REGRESS_H

#include <stddef.h>

typedef enum {
  VS_REGRESS_LOWER_IS_BETTER,
  VS_REGRESS_HIGHER_IS_BETTER,
  VS_REGRESS_VERDICT /* a yes/no verdict where yes is bad (storm): false -> true fails */
} vs_regress_direction;

/* A gated metric and how much worse it may get before it counts. */
typedef struct {
  const char *key;
  vs_regress_direction dir;
  double abs_tol, rel_tol;
} vs_regress_gate;
extern const vs_regress_gate vs_regress_gates[];
extern const size_t vs_regress_n_gates;
/* The recommended policy: a pair of it fails whenever it is a storm, in the
 * run or in its baseline, whatever the baseline says. */
#define VS_REGRESS_RECOMMENDED "jit"

typedef enum { VS_REGRESS_OK, VS_REGRESS_BETTER, VS_REGRESS_WORSE } vs_regress_verdict;

typedef struct {
  const vs_regress_gate *gate;
  double was, now;
  vs_regress_verdict verdict;
} vs_regress_metric;

typedef enum {
  VS_REGRESS_COMPARED,   /* metrics[] filled */
  VS_REGRESS_RUN_FAILED, /* the run printed no validation */
  VS_REGRESS_NO_BASELINE,
  VS_REGRESS_WROTE,      /* --update */
  VS_REGRESS_WRITE_FAILED
} vs_regress_state;

typedef struct {
  const char *scenario, *policy;
  int line;                /* in suite.txt */
  int exit_status;         /* of the child run */
  vs_regress_state state;
  char baseline[1024];     /* its path */
  vs_regress_metric metrics[16];
  size_t n_metrics;
  int regressions;         /* metrics worse than tolerated */
  int recommended_storm;   /* the recommended policy is (or was recorded as) a storm */
} vs_regress_pair;

typedef struct {
  const char *dir;         /* holds suite.txt and the baselines (default results/baselines) */
  int update;              /* rewrite the baselines instead of comparing */
  void (*on_pair)(void *ctx, const vs_regress_pair *p);
  void *ctx;
} vs_regress_options;
#define VS_REGRESS_OPTIONS_INIT {.dir = "results/baselines", .update = 0, .on_pair = NULL, .ctx = NULL}

/* Run the suite. *failed counts pairs that regressed, failed or lack a
 * baseline (or, updating, could not be written). VS_EINPUT/VS_EIO when the
 * suite itself is unreadable or malformed. */
int vs_regress_run(const vs_regress_options *o, int *passed, int *failed);

#endif

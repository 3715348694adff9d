/* The cheapest plan: which combination of a scenario's purchasable options
 * (its `plan:` section, scenario/purchase.h) meets the goal at the lowest
 * price. Every combination of units (0..max of each option) is enumerated;
 * what monotonicity decides is not simulated -- more hardware is assumed
 * never worse, so a combination that buys at least as much of everything
 * as one that meets the goal meets it too, and one that buys at most as
 * much as one that fails fails too -- and the rest is simulated through
 * the sweep's children (`vdistorm run --set ...`), cheapest first, so that
 * what a batch finds prunes the next. The cheapest few that meet the goal
 * are then simulated too, so that they are listed with their figures. */
#ifndef VS_STUDY_PLAN_H
#define VS_STUDY_PLAN_H

#include <stddef.h>

#include "scenario/purchase.h"
#include "study/sweep.h"

/* How many of the cheapest combinations that meet the goal are listed (and
 * simulated, even where pruning decided them). */
#define VS_PLAN_LISTED 3

typedef enum {
  VS_PLAN_OPEN,         /* not decided yet */
  VS_PLAN_MEETS,        /* simulated: meets the goal */
  VS_PLAN_FAILS,        /* simulated: does not */
  VS_PLAN_PRUNED_MEETS, /* buys at least as much as a combination that meets */
  VS_PLAN_PRUNED_FAILS  /* buys at most as much as one that fails */
} vs_plan_state;

typedef struct {
  int *units;           /* per option */
  double cost;
  vs_plan_state state;
  vs_sweep_policy_result r; /* the judged policy's figures (simulated only) */
  int threshold;
  char limit[48];
} vs_plan_combo;

typedef struct {
  const char *scenario;
  char *const *fixed;   /* --set, applied to every combination */
  size_t n_fixed;
  int jobs;             /* children at once (<= 0: processors online) */
  void (*on_progress)(void *ctx, size_t decided, size_t total);
  void *ctx;
} vs_plan_options;
#define VS_PLAN_OPTIONS_INIT \
  {.scenario = NULL, .fixed = NULL, .n_fixed = 0, .jobs = 0, .on_progress = NULL, .ctx = NULL}

typedef struct vs_plan vs_plan;

/* Check every option's values in this process (the scenario with every
 * option at its max loads), then search. Bad option values are VS_EINPUT
 * naming the option ("FILE:LINE:COL: plan.options[i] (NAME x N): key:
 * what is wrong"). */
int vs_plan_run(vs_plan **out, const struct vs_purchase *p, const vs_plan_options *o);
/* Only that check (commands run it before they show progress). */
int vs_plan_check(const struct vs_purchase *p, const vs_plan_options *o);
void vs_plan_free(vs_plan *pl);

const struct vs_purchase *vs_plan_purchase(const vs_plan *pl);
size_t vs_plan_n_combos(const vs_plan *pl);
size_t vs_plan_simulated(const vs_plan *pl);
size_t vs_plan_pruned(const vs_plan *pl);
/* The judged policy's index in vs_sweep_policies. */
int vs_plan_policy(const vs_plan *pl);

/* Whether a simulated result meets the goal. */
int vs_plan_meets(const struct vs_purchase *p, const vs_sweep_policy_result *r);

/* The answers, as arrays of combination pointers (owned by the plan):
 * the simulated combinations that meet the goal, cheapest first (at most
 * `max`; the first VS_PLAN_LISTED of all that meet are always simulated); the frontier: simulated combinations by cost, each with a
 * strictly earlier latest-ready time than every cheaper one; and, when none
 * meets, the closest miss (least lateness of the last VM; then cheapest),
 * else NULL. */
size_t vs_plan_cheapest(const vs_plan *pl, const vs_plan_combo **out, size_t max);
size_t vs_plan_frontier(const vs_plan *pl, const vs_plan_combo **out, size_t max);
const vs_plan_combo *vs_plan_closest(const vs_plan *pl);
/* How much the closest misses: the lateness of its latest VM (0 when it
 * misses only by its storm or its share on time). */
double vs_plan_miss_s(const vs_plan_combo *c);

#endif

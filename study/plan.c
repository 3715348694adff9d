#include "study/plan.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/buf.h"
#include "core/error.h"
#include "scenario/override.h"

struct vs_plan {
  const vs_purchase *p;
  vs_plan_combo *combos;
  size_t n;
  size_t *order;  /* combination indices, cheapest first */
  int *units;     /* n x n_options */
  int policy;
  size_t simulated, pruned;
};

const vs_purchase *vs_plan_purchase(const vs_plan *pl) { return pl->p; }
size_t vs_plan_n_combos(const vs_plan *pl) { return pl->n; }
size_t vs_plan_simulated(const vs_plan *pl) { return pl->simulated; }
size_t vs_plan_pruned(const vs_plan *pl) { return pl->pruned; }
int vs_plan_policy(const vs_plan *pl) { return pl->policy; }

void vs_plan_free(vs_plan *pl)
{
  if (!pl)
    return;
  free(pl->combos);
  free(pl->order);
  free(pl->units);
  free(pl);
}

int vs_plan_meets(const vs_purchase *p, const vs_sweep_policy_result *r)
{
  return r->on_time >= p->goal_on_time - 1e-9 && (p->storm_ok || !r->storm);
}

/* a buys at most what b buys, option by option. */
static int below(const vs_plan *pl, const vs_plan_combo *a, const vs_plan_combo *b)
{
  for (size_t i = 0; i < pl->p->n_options; i++)
    if (a->units[i] > b->units[i])
      return 0;
  return 1;
}

static const vs_plan *sort_plan; /* qsort has no context argument */
static int by_cost(const void *x, const void *y)
{
  const vs_plan_combo *a = &sort_plan->combos[*(const size_t *)x], *b = &sort_plan->combos[*(const size_t *)y];
  if (a->cost != b->cost)
    return a->cost < b->cost ? -1 : 1;
  /* Equal prices: fewer units first, then enumeration order (stable). */
  int ua = 0, ub = 0;
  for (size_t i = 0; i < sort_plan->p->n_options; i++) {
    ua += a->units[i];
    ub += b->units[i];
  }
  if (ua != ub)
    return ua < ub ? -1 : 1;
  return *(const size_t *)x < *(const size_t *)y ? -1 : 1;
}

static int enumerate(vs_plan *pl)
{
  const vs_purchase *p = pl->p;
  size_t k = p->n_options;
  pl->n = vs_purchase_combinations(p);
  if (!(pl->combos = calloc(pl->n, sizeof(*pl->combos))) || !(pl->order = calloc(pl->n, sizeof(*pl->order))) ||
      !(pl->units = calloc(pl->n * k, sizeof(int))))
    return vs_error_set(VS_ENOMEM, "out of memory");
  for (size_t c = 0; c < pl->n; c++) {
    vs_plan_combo *cb = &pl->combos[c];
    size_t rest = c;
    cb->units = pl->units + c * k;
    /* Mixed radix, the last option fastest. */
    for (size_t i = k; i-- > 0;) {
      cb->units[i] = (int)(rest % (size_t)(p->options[i].max + 1));
      rest /= (size_t)(p->options[i].max + 1);
      cb->cost += cb->units[i] * p->options[i].price;
    }
    pl->order[c] = c;
  }
  sort_plan = pl;
  qsort(pl->order, pl->n, sizeof(*pl->order), by_cost);
  sort_plan = NULL;
  return VS_OK;
}

/* The overrides of combination `c`: the fixed ones, then each option's. */
static int combo_sets(const vs_plan *pl, const vs_plan_combo *c, char *const *fixed, size_t n_fixed, char ***sets,
                      size_t *n)
{
  size_t cap = 0;
  *sets = NULL;
  *n = 0;
  for (size_t i = 0; i < n_fixed; i++) {
    if (vs_array_reserve(sets, &cap, *n + 1, sizeof(char *)) != VS_OK || !((*sets)[*n] = strdup(fixed[i])))
      return vs_error_set(VS_ENOMEM, "out of memory");
    ++*n;
  }
  for (size_t i = 0; i < pl->p->n_options; i++) {
    int rc = vs_purchase_sets(pl->p, i, c->units[i], sets, n, &cap);
    if (rc != VS_OK)
      return rc;
  }
  return VS_OK;
}

static void free_sets(char **sets, size_t n)
{
  for (size_t i = 0; i < n; i++)
    free(sets[i]);
  free(sets);
}

/* Every option at its max, loaded here: a bad value stops the search before
 * anything runs, and the message names the option. */
static int check_options(const vs_plan *pl, const vs_plan_options *o)
{
  return vs_plan_check(pl->p, o);
}

int vs_plan_check(const vs_purchase *p, const vs_plan_options *o)
{
  const vs_plan pl_ = {.p = p}, *pl = &pl_;
  vs_overrides l = VS_OVERRIDES_INIT;
  vs_scenario *sc = NULL;
  char label[512];
  int rc = VS_OK;
  for (size_t i = 0; i < o->n_fixed && rc == VS_OK; i++)
    rc = vs_overrides_add(&l, o->fixed[i], NULL);
  for (size_t i = 0; i < pl->p->n_options && rc == VS_OK; i++) {
    const vs_purchase_option *op = &pl->p->options[i];
    char **sets = NULL;
    size_t n = 0, cap = 0;
    snprintf(label, sizeof(label), "%s ('%s' x %d)", op->where, op->name, op->max);
    rc = vs_purchase_sets(pl->p, i, op->max, &sets, &n, &cap);
    for (size_t k = 0; k < n && rc == VS_OK; k++)
      rc = vs_overrides_add(&l, sets[k], label);
    free_sets(sets, n);
  }
  if (rc == VS_OK)
    rc = vs_override_scenario_load(&sc, o->scenario, &l);
  vs_scenario_free(sc);
  vs_overrides_clear(&l);
  return rc;
}

/* Prune by the simulated combinations (listed in `sim`, `ns` of them). */
static void decide(vs_plan *pl, const size_t *sim, size_t ns)
{
  for (size_t c = 0; c < pl->n; c++) {
    vs_plan_combo *x = &pl->combos[c];
    if (x->state != VS_PLAN_OPEN)
      continue;
    for (size_t d = 0; d < ns; d++) {
      const vs_plan_combo *y = &pl->combos[sim[d]];
      if (y->state == VS_PLAN_MEETS && below(pl, y, x)) {
        x->state = VS_PLAN_PRUNED_MEETS;
        break;
      }
      if (y->state == VS_PLAN_FAILS && below(pl, x, y)) {
        x->state = VS_PLAN_PRUNED_FAILS;
        break;
      }
    }
    pl->pruned += x->state != VS_PLAN_OPEN;
  }
}

static size_t decided(const vs_plan *pl) { return pl->simulated + pl->pruned; }

/* One batch: the given combinations as children at once. */
static int simulate(vs_plan *pl, const size_t *batch, size_t nb, const vs_plan_options *o)
{
  vs_sweep_job *jobs = calloc(nb, sizeof(*jobs));
  int rc = VS_OK;
  if (!jobs)
    return vs_error_set(VS_ENOMEM, "out of memory");
  for (size_t b = 0; b < nb && rc == VS_OK; b++)
    rc = combo_sets(pl, &pl->combos[batch[b]], o->fixed, o->n_fixed, &jobs[b].sets, &jobs[b].n_sets);
  vs_sweep_run_options ro = {.scenario = o->scenario, .jobs = o->jobs};
  if (rc == VS_OK)
    rc = vs_sweep_run_jobs(jobs, nb, &ro, NULL);
  for (size_t b = 0; b < nb; b++) {
    vs_plan_combo *c = &pl->combos[batch[b]];
    if (rc == VS_OK) {
      c->r = jobs[b].result.pol[pl->policy];
      c->threshold = jobs[b].result.threshold;
      memcpy(c->limit, jobs[b].result.limit, sizeof(c->limit));
      c->state = vs_plan_meets(pl->p, &c->r) ? VS_PLAN_MEETS : VS_PLAN_FAILS;
      pl->simulated++;
    }
    free_sets(jobs[b].sets, jobs[b].n_sets);
  }
  free(jobs);
  return rc;
}

static int processors(void)
{
  long n = sysconf(_SC_NPROCESSORS_ONLN);
  return n > 0 ? (int)n : 1;
}

int vs_plan_run(vs_plan **out, const vs_purchase *p, const vs_plan_options *o_in)
{
  vs_plan_options o = VS_PLAN_OPTIONS_INIT;
  vs_plan *pl = calloc(1, sizeof(*pl));
  size_t *batch = NULL, *sim = NULL, ns = 0;
  int rc;

  *out = NULL;
  if (o_in)
    o = *o_in;
  if (!pl)
    return vs_error_set(VS_ENOMEM, "out of memory");
  pl->p = p;
  for (pl->policy = 0; pl->policy < VS_SWEEP_N_POLICIES && strcmp(vs_sweep_policies[pl->policy], p->policy);)
    pl->policy++;
  if (pl->policy == VS_SWEEP_N_POLICIES) {
    rc = vs_error_set(VS_EINPUT, "plan.policy: '%s' is not one that run reports", p->policy);
    goto fail;
  }
  if ((rc = check_options(pl, &o)) != VS_OK || (rc = enumerate(pl)) != VS_OK)
    goto fail;
  int width = o.jobs > 0 ? o.jobs : processors();
  if (!(batch = calloc((size_t)width, sizeof(*batch))) || !(sim = calloc(pl->n, sizeof(*sim)))) {
    rc = vs_error_set(VS_ENOMEM, "out of memory");
    goto fail;
  }
  /* The first batch also holds everything at its max: if that fails, no
   * combination can meet the goal and everything else is decided at once. */
  size_t nb = 0;
  batch[nb++] = pl->n - 1; /* every digit at its max */
  for (;;) {
    for (size_t i = 0; i < pl->n && nb < (size_t)width; i++) {
      size_t c = pl->order[i];
      if (pl->combos[c].state == VS_PLAN_OPEN && !(nb && c == batch[0]))
        batch[nb++] = c;
    }
    if (!nb)
      break;
    if ((rc = simulate(pl, batch, nb, &o)) != VS_OK)
      goto fail;
    for (size_t b = 0; b < nb; b++)
      sim[ns++] = batch[b];
    decide(pl, sim, ns);
    if (o.on_progress)
      o.on_progress(o.ctx, decided(pl), pl->n);
    nb = 0;
  }
  /* The cheapest few that meet are listed with their figures: simulate
   * those that pruning decided (should one fail after all, the next
   * candidate takes its place). */
  for (;;) {
    size_t found = 0;
    nb = 0;
    for (size_t i = 0; i < pl->n && found < VS_PLAN_LISTED && nb < (size_t)width; i++) {
      vs_plan_combo *c = &pl->combos[pl->order[i]];
      if (c->state == VS_PLAN_MEETS || c->state == VS_PLAN_PRUNED_MEETS)
        found++;
      if (c->state == VS_PLAN_PRUNED_MEETS)
        batch[nb++] = pl->order[i];
    }
    if (!nb)
      break;
    pl->pruned -= nb;
    if ((rc = simulate(pl, batch, nb, &o)) != VS_OK)
      goto fail;
  }
  free(batch);
  free(sim);
  *out = pl;
  return VS_OK;

fail:
  free(batch);
  free(sim);
  vs_plan_free(pl);
  return rc;
}

static int simulated(const vs_plan_combo *c) { return c->state == VS_PLAN_MEETS || c->state == VS_PLAN_FAILS; }

size_t vs_plan_cheapest(const vs_plan *pl, const vs_plan_combo **out, size_t max)
{
  size_t n = 0;
  for (size_t i = 0; i < pl->n && n < max; i++)
    if (pl->combos[pl->order[i]].state == VS_PLAN_MEETS)
      out[n++] = &pl->combos[pl->order[i]];
  return n;
}

size_t vs_plan_frontier(const vs_plan *pl, const vs_plan_combo **out, size_t max)
{
  size_t n = 0;
  double best = INFINITY;
  for (size_t i = 0; i < pl->n && n < max; i++) {
    const vs_plan_combo *c = &pl->combos[pl->order[i]];
    if (!simulated(c) || isnan(c->r.latest_ready_s) || !(c->r.latest_ready_s < best - 1e-6))
      continue;
    /* A later combination of the same price that is earlier replaces it. */
    if (n && out[n - 1]->cost == c->cost)
      n--;
    out[n++] = c;
    best = c->r.latest_ready_s;
  }
  return n;
}

double vs_plan_miss_s(const vs_plan_combo *c) { return isnan(c->r.margin_s) ? 0 : fmax(0, -c->r.margin_s); }

const vs_plan_combo *vs_plan_closest(const vs_plan *pl)
{
  const vs_plan_combo *best = NULL;
  for (size_t i = 0; i < pl->n; i++) {
    const vs_plan_combo *c = &pl->combos[pl->order[i]];
    if (c->state == VS_PLAN_MEETS)
      return NULL;
    if (c->state != VS_PLAN_FAILS)
      continue;
    /* Least lateness; then the larger share on time; order is by cost. */
    if (!best || vs_plan_miss_s(c) < vs_plan_miss_s(best) - 1e-6 ||
        (fabs(vs_plan_miss_s(c) - vs_plan_miss_s(best)) <= 1e-6 && c->r.on_time > best->r.on_time + 1e-9))
      best = c;
  }
  return best;
}

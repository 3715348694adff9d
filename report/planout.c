#include "report/planout.h"

#include <math.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "core/error.h"
#include "core/units.h"
#include "report/outdir.h"

#define MAX_LISTED VS_PLAN_LISTED
#define MAX_FRONTIER 1000

static void add_number(cJSON *o, const char *key, double x)
{
  if (isnan(x))
    cJSON_AddNullToObject(o, key);
  else
    cJSON_AddNumberToObject(o, key, x);
}

static cJSON *combo_json(const vs_plan *pl, const vs_plan_combo *c)
{
  const vs_purchase *p = vs_plan_purchase(pl);
  cJSON *o = cJSON_CreateObject(), *opts;
  cJSON_AddNumberToObject(o, "cost", c->cost);
  opts = cJSON_AddObjectToObject(o, "options");
  for (size_t i = 0; i < p->n_options; i++)
    cJSON_AddNumberToObject(opts, p->options[i].name, c->units[i]);
  cJSON_AddNumberToObject(o, "threshold", c->threshold);
  cJSON_AddStringToObject(o, "limit", c->limit);
  add_number(o, "makespan_s", c->r.makespan_s);
  add_number(o, "latest_ready_s", c->r.latest_ready_s);
  add_number(o, "margin_s", c->r.margin_s);
  add_number(o, "on_time", c->r.on_time);
  cJSON_AddBoolToObject(o, "storm", c->r.storm);
  cJSON_AddBoolToObject(o, "meets", c->state == VS_PLAN_MEETS);
  return o;
}

cJSON *vs_planout_json(const vs_plan *pl)
{
  const vs_purchase *p = vs_plan_purchase(pl);
  const vs_plan_combo *list[MAX_FRONTIER];
  cJSON *o = cJSON_CreateObject(), *goal = cJSON_AddObjectToObject(o, "goal"), *a;
  cJSON_AddNumberToObject(goal, "on_time", p->goal_on_time);
  cJSON_AddBoolToObject(goal, "storm", p->storm_ok);
  cJSON_AddStringToObject(goal, "policy", p->policy);
  cJSON_AddNumberToObject(o, "combinations", (double)vs_plan_n_combos(pl));
  cJSON_AddNumberToObject(o, "simulated", (double)vs_plan_simulated(pl));
  cJSON_AddNumberToObject(o, "pruned", (double)vs_plan_pruned(pl));
  a = cJSON_AddArrayToObject(o, "cheapest");
  for (size_t i = 0, n = vs_plan_cheapest(pl, list, MAX_LISTED); i < n; i++)
    cJSON_AddItemToArray(a, combo_json(pl, list[i]));
  a = cJSON_AddArrayToObject(o, "frontier");
  for (size_t i = 0, n = vs_plan_frontier(pl, list, MAX_FRONTIER); i < n; i++)
    cJSON_AddItemToArray(a, combo_json(pl, list[i]));
  const vs_plan_combo *c = vs_plan_closest(pl);
  if (c) {
    cJSON *j = combo_json(pl, c);
    cJSON_AddNumberToObject(j, "miss_s", vs_plan_miss_s(c));
    cJSON_AddItemToObject(o, "closest", j);
  } else
    cJSON_AddNullToObject(o, "closest");
  return o;
}

/* "+1 HDD per NAS x2, one more host" or "nothing". */
static const char *bought(const vs_plan *pl, const vs_plan_combo *c, char *buf, size_t len)
{
  const vs_purchase *p = vs_plan_purchase(pl);
  size_t n = 0;
  buf[0] = '\0';
  for (size_t i = 0; i < p->n_options && n < len; i++) {
    if (!c->units[i])
      continue;
    n += (size_t)snprintf(buf + n, len - n, c->units[i] > 1 ? "%s%s x%d" : "%s%s", n ? ", " : "", p->options[i].name,
                          c->units[i]);
  }
  if (!buf[0])
    snprintf(buf, len, "nothing");
  return buf;
}

static void table(FILE *out, const vs_plan *pl, const vs_plan_combo **list, size_t n)
{
  char what[512], clock[32];
  fprintf(out, "  %10s  %-44s %9s %-9s %9s %12s %9s %8s\n", "cost", "buy", "threshold", "limit", "makespan",
          "latest ready", "margin", "on time");
  for (size_t i = 0; i < n; i++) {
    const vs_plan_combo *c = list[i];
    fprintf(out, "  %10.0f  %-44s %9d %-9s %7.0f s %12s %7.0f s %7.1f%%%s\n", c->cost, bought(pl, c, what, sizeof(what)),
            c->threshold, c->limit, c->r.makespan_s, vs_clock_format(c->r.latest_ready_s, clock, sizeof(clock)),
            c->r.margin_s, 100 * c->r.on_time, c->r.storm ? " storm" : "");
  }
}

void vs_planout_text(FILE *out, const char *scenario, const vs_plan *pl)
{
  const vs_purchase *p = vs_plan_purchase(pl);
  const vs_plan_combo *list[MAX_FRONTIER];
  char what[512];
  size_t n;
  fprintf(out, "%s: cheapest plan for %.1f %% of desktops on time%s, judged on the %s schedule\n", scenario,
          100 * p->goal_on_time, p->storm_ok ? "" : " and no storm", p->policy);
  fprintf(out, "  %zu combinations of units: %zu simulated, %zu decided without simulating (more hardware is never "
               "worse)\n",
          vs_plan_n_combos(pl), vs_plan_simulated(pl), vs_plan_pruned(pl));
  if ((n = vs_plan_cheapest(pl, list, MAX_LISTED))) {
    fprintf(out, "\ncheapest that meet the goal (margin: how early the tightest desktop is ready):\n");
    table(out, pl, list, n);
  } else {
    const vs_plan_combo *c = vs_plan_closest(pl);
    fprintf(out, "\nNO combination meets the goal.\n");
    if (c)
      fprintf(out, "closest: %s (cost %.0f): its last desktop is %.0f s late, %.1f %% on time%s\n",
              bought(pl, c, what, sizeof(what)), c->cost, vs_plan_miss_s(c), 100 * c->r.on_time,
              c->r.storm ? ", and it storms" : "");
  }
  if ((n = vs_plan_frontier(pl, list, MAX_FRONTIER))) {
    fprintf(out, "\nfrontier (each buys an earlier latest-ready time than everything cheaper):\n");
    table(out, pl, list, n);
  }
}

int vs_planout_csv(vs_outdir *d, const char *name, const vs_plan *pl)
{
  const vs_purchase *p = vs_plan_purchase(pl);
  const vs_plan_combo *list[MAX_FRONTIER];
  FILE *f = vs_outdir_file(d, name);
  if (!f)
    return VS_EIO;
  fprintf(f, "cost");
  for (size_t i = 0; i < p->n_options; i++) {
    /* Option names are free text: quote them. */
    fputs(",\"", f);
    for (const char *s = p->options[i].name; *s; s++)
      fputs(*s == '"' ? "\"\"" : (char[]){*s, 0}, f);
    fputc('"', f);
  }
  fprintf(f, ",threshold,limit,makespan_s,latest_ready_s,margin_s,on_time,storm,meets\n");
  for (size_t k = 0, n = vs_plan_frontier(pl, list, MAX_FRONTIER); k < n; k++) {
    const vs_plan_combo *c = list[k];
    fprintf(f, "%.10g", c->cost);
    for (size_t i = 0; i < p->n_options; i++)
      fprintf(f, ",%d", c->units[i]);
    fprintf(f, ",%d,%s,%.6g,%.6g,%.6g,%.6g,%s,%s\n", c->threshold, c->limit, c->r.makespan_s, c->r.latest_ready_s,
            c->r.margin_s, c->r.on_time, c->r.storm ? "true" : "false", c->state == VS_PLAN_MEETS ? "true" : "false");
  }
  return vs_outdir_close_file(d, f, name);
}

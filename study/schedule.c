#include "study/schedule.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "core/units.h"
#include "study/threshold.h"

#define JIT_MAX_ROUNDS 10
/* Added to each measured boot time when jit re-plans: boots shift a little
 * when their neighbours move. */
#define JIT_GUARD_S 0.25

static int experiment(vs_study_schedule *run, vs_backend *b, const vs_capacity *cap)
{
  vs_boot_limits limits = vs_schedule_limits(run->sched);
  vs_boot_req *plan = vs_schedule_plan(run->sched, &run->origin_s);
  int rc;
  if (!plan)
    return vs_error_set(VS_ENOMEM, "out of memory");
  vs_boot_result_free(run->result);
  run->result = NULL;
  vs_validation_clear(&run->v);
  rc = vs_backend_boot(b, plan, run->sched->n, &limits, &run->result);
  free(plan);
  run->rounds++;
  if (rc == VS_OK)
    rc = vs_validate(b->sc, run->sched, run->origin_s, run->result, cap, &run->v);
  return rc;
}

/* Dynamic policies: the schedule is what the launcher did (to the ms). */
static void adopt_measured_starts(vs_study_schedule *run)
{
  for (size_t i = 0; i < run->sched->n; i++) {
    run->sched->entries[i].start_s = vs_clock_quantize(run->origin_s + run->result->started_s[i]);
    run->sched->entries[i].expected_ready_s = vs_clock_quantize(run->origin_s + run->result->ready_s[i]);
  }
}

/* 1 while the experiment left a VM late, or booted more VMs at once than
 * the plan has storm-free lanes (a boot ran longer than planned and the
 * next one on its lane started before it was ready). */
static int needs_tightening(const vs_study_schedule *run)
{
  return run->v.late_vms || run->result->peak_concurrency > run->sched->lanes;
}

/* Re-plan jit on the boot times the experiment measured, until every VM is
 * on time and no lane boots two VMs at once. A VM's planned boot time only
 * ever grows (the largest measured so far, plus a guard), so each round is
 * at least as safe as the last and the loop settles instead of chasing
 * neighbours that moved. */
static int tighten_jit(vs_study_schedule *run, vs_backend *b, const vs_capacity *cap)
{
  size_t n = run->sched->n;
  double *planned = malloc((n ? n : 1) * sizeof(*planned)), *boot = malloc((n ? n : 1) * sizeof(*boot));
  int rc = VS_OK;
  if (!planned || !boot) {
    rc = vs_error_set(VS_ENOMEM, "out of memory");
    goto cleanup;
  }
  /* Built schedules number their VMs 0..n-1; each starts from what the
   * plan gave it. */
  for (size_t i = 0; i < n; i++)
    planned[run->sched->entries[i].vm] = run->sched->entries[i].expected_ready_s - run->sched->entries[i].start_s;
  while (run->rounds < JIT_MAX_ROUNDS && needs_tightening(run)) {
    for (size_t i = 0; i < n; i++) {
      int vm = run->sched->entries[i].vm;
      planned[vm] = fmax(planned[vm], run->result->ready_s[i] - run->result->started_s[i] + JIT_GUARD_S);
    }
    for (size_t i = 0; i < n; i++)
      boot[i] = planned[run->sched->entries[i].vm];
    if ((rc = vs_schedule_refine(run->sched, b->sc, boot)) != VS_OK || (rc = experiment(run, b, cap)) != VS_OK)
      break;
  }
cleanup:
  free(planned);
  free(boot);
  return rc;
}

/* jit plans on how long its lanes take booting together; measured here
 * when the threshold search did not (one experiment of `lanes` VMs, far
 * cheaper than a round of re-planning the whole workload). */
static int measure_lanes(vs_backend *b, vs_capacity *cap)
{
  vs_boot_result *r = NULL;
  int rc = vs_study_boot_at_once(b, vs_capacity_lanes(b->sc, cap), NULL, &r);
  if (rc == VS_OK)
    cap->lanes_slowdown = vs_capacity_lanes_slowdown(cap, r);
  vs_boot_result_free(r);
  return rc;
}

int vs_study_schedule_policy(vs_study_schedule *run, vs_backend *b, const vs_capacity *cap_in, const vs_policy *p)
{
  vs_capacity *cap = &run->cap;
  int rc;
  memset(run, 0, sizeof(*run));
  *cap = *cap_in;
  if (p->kind == VS_POLICY_JIT && cap->lanes_slowdown <= 0 && (rc = measure_lanes(b, cap)) != VS_OK)
    return rc;
  if ((rc = vs_schedule_build(b->sc, cap, p, &run->sched)) != VS_OK || (rc = experiment(run, b, cap)) != VS_OK)
    return rc;
  if (vs_policy_is_dynamic(p))
    adopt_measured_starts(run);
  else if (p->kind == VS_POLICY_JIT && !run->sched->n_shortfalls)
    /* An infeasible plan's boot times are those of a pushed, late plan:
     * no basis to re-plan on. */
    rc = tighten_jit(run, b, cap);
  return rc;
}

int vs_study_schedule_given(vs_study_schedule *run, vs_backend *b, const vs_capacity *cap, vs_schedule *given)
{
  memset(run, 0, sizeof(*run));
  run->cap = *cap;
  run->sched = given;
  return experiment(run, b, cap);
}

int vs_study_schedule_repeat(const vs_study_schedule *run, vs_backend *b, const vs_capacity *cap,
                             const vs_study_repeat *rp, vs_study_schedule_spread *out)
{
  int n = rp->n > 1 ? rp->n : 1, rc = VS_OK;
  double *x = calloc((size_t)n * 5, sizeof(*x));
  if (!x)
    return vs_error_set(VS_ENOMEM, "out of memory");
  for (int r = 0; r < n && rc == VS_OK; r++) {
    vs_study_schedule again = {.sched = run->sched};
    const vs_validation *v = &run->v;
    if (r > 0) {
      b->variation = vs_study_repeat_variation(rp, r);
      rc = experiment(&again, b, cap);
      v = &again.v;
    }
    if (rc == VS_OK) {
      x[r] = v->makespan_s;
      x[n + r] = v->late_vms;
      x[2 * n + r] = v->ready_fraction;
      x[3 * n + r] = v->slowest_boot_ratio;
      x[4 * n + r] = v->idle_vm_minutes;
    }
    vs_boot_result_free(again.result);
    vs_validation_clear(&again.v);
  }
  b->variation = vs_study_repeat_variation(rp, 0);
  if (rc == VS_OK) {
    vs_stats_of(x, (size_t)n, &out->makespan_s);
    vs_stats_of(x + n, (size_t)n, &out->late_vms);
    vs_stats_of(x + 2 * n, (size_t)n, &out->ready_fraction);
    vs_stats_of(x + 3 * n, (size_t)n, &out->slowest_boot_ratio);
    vs_stats_of(x + 4 * n, (size_t)n, &out->idle_vm_minutes);
  }
  free(x);
  return rc;
}

void vs_study_schedule_clear(vs_study_schedule *run)
{
  vs_schedule_free(run->sched);
  vs_boot_result_free(run->result);
  vs_validation_clear(&run->v);
  memset(run, 0, sizeof(*run));
}

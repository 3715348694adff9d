#include "study/repeat.h"

#include "core/error.h"

vs_boot_variation vs_study_repeat_variation(const vs_study_repeat *rp, int r)
{
  vs_boot_variation v = VS_BOOT_VARIATION_INIT;
  if (rp && (rp->seeded || r > 0)) {
    v.seeded = 1;
    v.seed = rp->seed;
    v.repeat = r;
  }
  return v;
}

int vs_study_repeat_boot(vs_backend *b, const vs_study_repeat *rp, const vs_boot_req *plan, size_t n,
                         const vs_boot_limits *limits, vs_boot_result **results)
{
  int runs = rp && rp->n > 1 ? rp->n : 1, rc = VS_OK;
  for (int r = 0; r < runs; r++)
    results[r] = NULL;
  for (int r = 0; r < runs && rc == VS_OK; r++) {
    b->variation = vs_study_repeat_variation(rp, r);
    rc = vs_backend_boot(b, plan, n, limits, &results[r]);
  }
  b->variation = vs_study_repeat_variation(rp, 0);
  if (rc != VS_OK)
    for (int r = 0; r < runs; r++) {
      vs_boot_result_free(results[r]);
      results[r] = NULL;
    }
  return rc;
}

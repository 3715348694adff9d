/* libFuzzer target for the forecast model loader, vs_forecast_load, and the
 * first thing a loaded model is used for, a prediction. XGBoost (not
 * instrumented) parses the file only after forecast.c has checked it, so
 * a fault inside XGBoost is a gap in that check. Besides faults and the
 * sanitizers' findings it traps when the loader breaks its contract
 * (forecast.h): a failure hands nothing out and says one line naming the
 * file; a model it accepts has its metadata in range and predicts one
 * value per hour of a date. */
#include "core/error.h"
#include "demand/forecast.h"

#include "fuzz_file.h"

static void check_model(const vs_forecast_model *m)
{
  const vs_forecast_params *p = vs_forecast_model_params(m);
  vs_forecast_hour *h = NULL;
  size_t n = 0;
  int first, last, rc;

  vs_forecast_model_hours(m, &first, &last);
  FUZZ_ASSERT(first >= 0 && first <= last && last <= 23);
  FUZZ_ASSERT(p->nthread >= 1 && p->nthread <= 256 && p->n_trees >= 1 && p->max_depth >= 1);
  rc = vs_forecast_predict_date(m, (vs_date){2024, 3, 4}, 1, &h, &n);
  if (rc == 0) {
    FUZZ_ASSERT(n == (size_t)(last - first + 1));
    for (size_t i = 0; i < n; i++)
      FUZZ_ASSERT(h[i].hour == first + (int)i && h[i].vms >= 0);
  } else {
    /* XGBoost may refuse a model at prediction (its messages are cut to a line). */
    FUZZ_ASSERT(h == NULL && n == 0 && !strpbrk(vs_error_last(), "\r\n"));
  }
  free(h);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  vs_forecast_model *m = (vs_forecast_model *)1; /* the loader must reset it */
  const char *path = fuzz_file(0, data, size);
  int rc;

  vs_error_clear();
  rc = vs_forecast_load(path, &m);
  if (rc != 0) {
    FUZZ_ASSERT(m == NULL);
    fuzz_check_error(rc, path);
    return 0;
  }
  check_model(m);
  vs_forecast_model_free(m);
  return 0;
}

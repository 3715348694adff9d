#include "backend/pool.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/error.h"

vs_pool_result *vs_pool_result_new(const vs_pool_spec *spec)
{
  vs_pool_result *r = calloc(1, sizeof(*r));
  if (!r)
    return NULL;
  r->n_requests = spec->n_requests;
  r->n_images = spec->n_images;
  r->arrival_s = calloc(r->n_requests ? r->n_requests : 1, sizeof(double));
  r->created_s = calloc(r->n_requests ? r->n_requests : 1, sizeof(double));
  r->empty_s = calloc(r->n_images ? r->n_images : 1, sizeof(double));
  r->empty_times = calloc(r->n_images ? r->n_images : 1, sizeof(int));
  r->fill_done_s = NAN;
  if (!r->arrival_s || !r->created_s || !r->empty_s || !r->empty_times) {
    vs_pool_result_free(r);
    return NULL;
  }
  for (size_t i = 0; i < r->n_requests; i++) {
    r->arrival_s[i] = spec->requests[i].at_s;
    r->created_s[i] = NAN;
  }
  return r;
}

vs_pool_copy *vs_pool_result_add_copy(vs_pool_result *r)
{
  if (vs_array_reserve(&r->copies, &r->cap_copies, r->n_copies + 1, sizeof(*r->copies)) != VS_OK)
    return NULL;
  memset(&r->copies[r->n_copies], 0, sizeof(*r->copies));
  return &r->copies[r->n_copies++];
}

void vs_pool_result_free(vs_pool_result *r)
{
  if (!r)
    return;
  free(r->arrival_s);
  free(r->created_s);
  free(r->empty_s);
  free(r->empty_times);
  free(r->copies);
  free(r);
}

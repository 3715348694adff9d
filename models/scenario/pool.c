#include "scenario/pool.h"

#include <stdlib.h>
#include <string.h>

void vs_pool_spec_free(vs_pool_spec *p)
{
  if (!p)
    return;
  for (size_t i = 0; i < p->n_images; i++)
    free(p->images[i].name);
  free(p->images);
  free(p->requests);
  free(p);
}

int vs_pool_spec_find(const vs_pool_spec *p, const char *name)
{
  for (size_t i = 0; p && i < p->n_images; i++)
    if (!strcmp(p->images[i].name, name))
      return (int)i;
  return -1;
}

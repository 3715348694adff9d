/* libFuzzer target for vs_scenario_load_buffer. Besides the sanitizers'
 * findings, it traps when the loader breaks its own contract: a failure
 * must leave *out NULL and a one-line message that starts with the name. */
#include "core/error.h"
#include "scenario/scenario.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define FUZZ_NAME "fuzz.yaml"

static void check_failure(int rc, const vs_scenario *sc)
{
  const char *msg = vs_error_last();

  if (sc != NULL || (rc != VS_EINPUT && rc != VS_ENOMEM))
    __builtin_trap();
  if (strncmp(msg, FUZZ_NAME ":", sizeof(FUZZ_NAME)) != 0 && rc != VS_ENOMEM)
    __builtin_trap();
  if (strchr(msg, '\n') || strchr(msg, '\r'))
    __builtin_trap();
}

/* Touches every derived quantity so that the sanitizers check them too. */
static void check_success(const vs_scenario *sc)
{
  volatile double sink = 0;
  int r;

  if (!sc || !sc->name || sc->hosts.count < 1 || sc->storage.hdds < 1 ||
      (sc->hdd.curve_len > 0) != (sc->hdd.curve != NULL))
    __builtin_trap();
  sink += vs_scenario_total_hdds(sc);
  sink += vs_scenario_total_vms(sc);
  for (r = 0; r < 40; r++)
    sink += vs_scenario_hdd_factor(&sc->hdd, r);
  (void)sink;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  vs_scenario *sc = NULL;
  int rc;

  vs_error_clear();
  rc = vs_scenario_load_buffer(&sc, (const char *)data, size, FUZZ_NAME);
  if (rc == 0)
    check_success(sc);
  else
    check_failure(rc, sc);
  vs_scenario_free(sc);
  return 0;
}

/* Scenario overrides: `--set KEY=VALUE` (and `KEY+=N`) edits the loaded YAML
 * document before the loader validates it, so an overridden value is
 * checked exactly like one written in the file. Sweeps and the plan search
 * run their points as `vdistorm run SCENARIO --set ...` children.
 *
 * KEY is the loader's own key path: `storage.hdds`, `hdd.read_bw`,
 * `workload.classes[0].share` (or `workload.classes.0.share`). A key absent
 * from the file is added to its mapping (and missing mappings above it are
 * created); the loader then rejects keys it does not know. VALUE is YAML
 * scalar text with the file's units (`10Gbps`, `632MB`). `KEY+=N` adds the
 * whole number N to the file's whole-number value.
 *
 * Errors in an overridden value name the override instead of a file
 * position: "--set storage.hdds=abc: storage.hdds: 'abc' is not an integer
 * (expected an integer from 1 to 10000)". */
#ifndef VS_OVERRIDE_H
#define VS_OVERRIDE_H

#include <stddef.h>

#include "scenario/scenario.h"

struct yaml_document_s;

typedef struct {
  char *key;      /* key path as given */
  char *value;    /* scalar text (absolute), or the increment's text (relative) */
  long step;      /* relative: added to the file's value */
  int relative;   /* KEY+=N */
  char *label;    /* names it in messages, e.g. "--set storage.hdds=abc" */
} vs_override;

/* A list of overrides, applied in order (a later one wins). */
typedef struct {
  vs_override *items;
  size_t len, cap;
} vs_overrides;
#define VS_OVERRIDES_INIT {.items = NULL, .len = 0, .cap = 0}

/* Parse "KEY=VALUE" or "KEY+=N" and append it; `label` names it in messages
 * (NULL: "--set ARG"). VS_EINPUT "LABEL: what is wrong" for a malformed one. */
int vs_overrides_add(vs_overrides *l, const char *arg, const char *label);
void vs_overrides_clear(vs_overrides *l);

/* Edit `doc` (the hook of vs_scenario_load_options). */
int vs_overrides_apply(struct yaml_document_s *doc, const vs_overrides *l);

/* vs_scenario_load with the overrides applied; errors at an overridden
 * value name the override. */
int vs_override_scenario_load(vs_scenario **out, const char *path, const vs_overrides *l);

#endif

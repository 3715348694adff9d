/* libFuzzer target for the schedule CSV reader, vs_schedule_read_csv, on a
 * fixed scenario (two classes, one NAS: both name forms, classes by name and
 * by deadline). Besides the sanitizers' findings it traps when the reader
 * breaks its contract: a failure hands nothing out and says one line
 * "FILE:LINE: ..."; a schedule it accepts is one of this scenario (hosts,
 * disks, classes in range, sorted by start, each VM once) and survives a
 * write and a second read unchanged (schedule.h: "Written and read back, a
 * schedule is the same"). */
#include "core/error.h"
#include "plan/schedule.h"
#include "scenario/scenario.h"

#include <math.h>

#include "fuzz_file.h"

/* The hardware and classes of scenarios/two-classes.yaml, which the
 * regression test replays tests/fuzz-crashes/schedule/ against (embedded,
 * so that the binary runs from anywhere). */
static const char scenario_text[] =
    "name: fuzz-schedule\n"
    "hosts: {count: 4, cores: 16, core_speed: 3.6GHz}\n"
    "storage: {type: nas, nas_count: 1, hdds: 10, link_bw: 1Gbps}\n"
    "hdd: {read_bw: 10.9MB/s}\n"
    "boot: {read: 623MB}\n"
    "workload:\n"
    "  classes:\n"
    "    - {name: windows, vms: 40, ready_by: \"08:00\"}\n"
    "    - {name: linux, vms: 30, ready_by: \"08:30\", boot: {read: 300MB}}\n";

static vs_scenario *sc;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
  if (vs_scenario_load_buffer(&sc, scenario_text, sizeof(scenario_text) - 1, "fuzz.yaml") != VS_OK) {
    fprintf(stderr, "fuzz: the built-in scenario does not load: %s\n", vs_error_last());
    abort();
  }
  return 0;
}

static void check_schedule(const vs_schedule *s)
{
  FUZZ_ASSERT(s->n >= 1 && s->entries);
  for (size_t i = 0; i < s->n; i++) {
    const vs_schedule_entry *e = &s->entries[i];
    FUZZ_ASSERT(e->vm >= 0 && e->host >= 0 && e->host < sc->hosts.count);
    FUZZ_ASSERT(e->disk >= 0 && e->disk < vs_scenario_total_hdds(sc));
    FUZZ_ASSERT(e->cls >= 0 && (size_t)e->cls < sc->n_classes);
    FUZZ_ASSERT(e->point >= 0 && (size_t)e->point < sc->workload.len);
    FUZZ_ASSERT(isfinite(e->start_s) && isfinite(e->ready_by_s) && isfinite(e->expected_ready_s));
    FUZZ_ASSERT(i == 0 || e->start_s >= s->entries[i - 1].start_s);
  }
}

/* Written and read back: the same entries (the second read sorts equal
 * starts by VM, as the first did). */
static void check_round_trip(const vs_schedule *s)
{
  char *text = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&text, &len);
  vs_schedule *back = NULL;

  FUZZ_ASSERT(f != NULL);
  FUZZ_ASSERT(vs_schedule_write_csv(s, sc, f) == VS_OK);
  FUZZ_ASSERT(fclose(f) == 0);
  const char *path = fuzz_file(1, text, len);
  if (vs_schedule_read_csv(path, sc, &back) != VS_OK) {
    fprintf(stderr, "fuzz: a schedule written does not read back: %s\n--\n%s--\n", vs_error_last(), text);
    __builtin_trap();
  }
  FUZZ_ASSERT(back->n == s->n);
  for (size_t i = 0; i < s->n; i++) {
    const vs_schedule_entry *a = &s->entries[i], *b = &back->entries[i];
    if (a->vm != b->vm || a->host != b->host || a->disk != b->disk || a->cls != b->cls || a->point != b->point ||
        a->start_s != b->start_s || a->ready_by_s != b->ready_by_s || a->expected_ready_s != b->expected_ready_s) {
      fprintf(stderr, "fuzz: row %zu (vm %d) differs after a write and a read:\n--\n%s--\n", i, a->vm, text);
      __builtin_trap();
    }
  }
  vs_schedule_free(back);
  free(text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  vs_schedule *s = (vs_schedule *)1; /* the reader must reset it */
  const char *path = fuzz_file(0, data, size);
  int rc;

  vs_error_clear();
  rc = vs_schedule_read_csv(path, sc, &s);
  if (rc != VS_OK) {
    FUZZ_ASSERT(s == NULL);
    fuzz_check_error(rc, path);
    return 0;
  }
  check_schedule(s);
  check_round_trip(s);
  /* What a backend is handed: the plan and its limits. */
  double origin;
  vs_boot_req *plan = vs_schedule_plan(s, &origin);
  FUZZ_ASSERT(plan != NULL);
  for (size_t i = 0; i < s->n; i++)
    FUZZ_ASSERT(plan[i].start_s >= 0);
  free(plan);
  vs_schedule_free(s);
  return 0;
}

#include "compare.h"

#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "core/fsutil.h"
#include "core/interrupt.h"
#include "core/spawn.h"
#include "core/units.h"
#include "demand/workload.h"
#include "report/html.h"
#include "report/json.h"
#include "report/outdir.h"
#include "report_out.h"

/* What the table says about one scenario. */
typedef struct {
  const vs_scenario *sc;
  int threshold, lanes, late, storm, workload;
  char limits[64];
  double bound_s;         /* storm-free bound of the whole workload's makespan */
  char bound_by[16];      /* the resource that sets it */
  double makespan_s;      /* the recommended schedule's, simulated */
  double first_start_s, ready_fraction, idle_vm_min, idle_kWh; /* idle_kWh NAN: no energy section */
  char upgrade[256];      /* the cheapest plan, or why there is none */
} facts;

static double num(const cJSON *o, const char *key)
{
  const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
  return cJSON_IsNumber(v) ? v->valuedouble : NAN;
}

/* The resource with the largest storm-free time sets the bound. */
static void bound_by(const cJSON *v, facts *f)
{
  const cJSON *sf = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(v, "bounds_by"), "storm_free");
  double hdd = num(sf, "hdd_s"), link = num(sf, "link_s"), cpu = num(sf, "cpu_s");
  const char *by = "HDDs";
  if (!(hdd >= link) && link >= cpu)
    by = "uplinks";
  else if (!(hdd >= cpu) && !(link >= cpu))
    by = "CPU";
  snprintf(f->bound_by, sizeof(f->bound_by), "%s", by);
}

static int read_run(const char *path, const char *json, facts *f)
{
  cJSON *j = cJSON_Parse(json ? json : "");
  const cJSON *th = cJSON_GetObjectItemCaseSensitive(j, "threshold"), *lim;
  if (!cJSON_IsObject(th)) {
    cJSON_Delete(j);
    return vs_error_set(VS_ERROR, "%s: vdistorm run printed no result", path);
  }
  f->threshold = (int)num(th, "threshold");
  f->limits[0] = '\0';
  cJSON_ArrayForEach(lim, cJSON_GetObjectItemCaseSensitive(th, "limits"))
  {
    size_t at = strlen(f->limits);
    if (cJSON_IsString(lim))
      snprintf(f->limits + at, sizeof(f->limits) - at, "%s%s", at ? "+" : "", lim->valuestring);
  }
  const cJSON *jit = cJSON_GetObjectItemCaseSensitive(
      cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(j, "workload"), "policies"), "jit");
  const cJSON *v = cJSON_GetObjectItemCaseSensitive(jit, "validation");
  f->workload = cJSON_IsObject(v);
  if (f->workload) {
    const cJSON *fs = cJSON_GetObjectItemCaseSensitive(v, "first_start");
    f->lanes = (int)num(cJSON_GetObjectItemCaseSensitive(jit, "capacity"), "lanes");
    f->bound_s = num(v, "storm_free_bound_s");
    bound_by(v, f);
    f->makespan_s = num(v, "makespan_s");
    f->ready_fraction = num(v, "ready_fraction");
    f->late = (int)num(v, "late_vms");
    f->storm = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(v, "storm"));
    f->idle_vm_min = num(v, "idle_vm_minutes");
    f->idle_kWh = num(v, "idle_energy_kWh");
    if (!cJSON_IsString(fs) || vs_clock_parse_offset(fs->valuestring, &f->first_start_s) != VS_OK)
      f->first_start_s = NAN;
  }
  cJSON_Delete(j);
  return VS_OK;
}

/* The cheapest plan of `vdistorm plan` for a scenario with a plan: section. */
static void cheapest_upgrade(const char *path, facts *f)
{
  char tmpl[] = "/tmp/vs-compare-plan-XXXXXX", dir[PATH_MAX];
  vs_spawn_options so = VS_SPAWN_OPTIONS_INIT;
  cJSON *plan = NULL;
  int status = 0;
  if (!vs_cli_report_has_plan_section(path)) {
    snprintf(f->upgrade, sizeof(f->upgrade), "no options declared");
    return;
  }
  if (!mkdtemp(tmpl)) {
    snprintf(f->upgrade, sizeof(f->upgrade), "no plan search (no temporary folder)");
    return;
  }
  snprintf(dir, sizeof(dir), "%s/plan", tmpl);
  char *argv[] = {(char *)vs_spawn_self(), "plan", (char *)path, "--json", "-q", "-o", dir, NULL};
  so.quiet_stderr = 1;
  if (vs_spawn_run(argv, &so, NULL, &status) != VS_OK || status != 0 || vs_cli_report_load_plan(dir, &plan) != VS_OK)
    snprintf(f->upgrade, sizeof(f->upgrade), "no plan search ('vdistorm plan' exit %d)", status);
  else {
    const cJSON *c = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(plan, "cheapest"), 0), *opt;
    size_t at = 0;
    f->upgrade[0] = '\0';
    cJSON_ArrayForEach(opt, cJSON_GetObjectItemCaseSensitive(c, "options"))
    {
      if (cJSON_IsNumber(opt) && opt->valuedouble != 0 && at < sizeof(f->upgrade))
        at += (size_t)snprintf(f->upgrade + at, sizeof(f->upgrade) - at, "%s%s +%g", at ? ", " : "", opt->string,
                               opt->valuedouble);
    }
    if (!c)
      snprintf(f->upgrade, sizeof(f->upgrade), "none of the options meets it");
    else if (!at)
      snprintf(f->upgrade, sizeof(f->upgrade), "none needed");
  }
  cJSON_Delete(plan);
  vs_fs_remove_tree(tmpl);
}

static int run_one(const char *path, int quiet, facts *f)
{
  vs_buf out = VS_BUF_INIT;
  int status = 0, rc;
  char *argv[] = {(char *)vs_spawn_self(), "run", (char *)path, "--json", "--no-save", "-q", NULL};
  vs_spawn_options so = VS_SPAWN_OPTIONS_INIT;
  so.quiet_stderr = 1;
  if (!quiet)
    fprintf(stderr, "compare: running %s\n", f->sc->name);
  if ((rc = vs_spawn_run(argv, &so, &out, &status)) != VS_OK)
    goto cleanup;
  if (vs_interrupted()) {
    rc = vs_interrupt_error("while comparing %s", f->sc->name);
    goto cleanup;
  }
  /* Exit 1 is a result too: the recommended schedule left a VM late. */
  if (status != 0 && status != 1) {
    rc = vs_error_set(VS_ERROR, "%s: vdistorm run failed (exit %d)", path, status);
    goto cleanup;
  }
  if ((rc = read_run(path, out.data, f)) != VS_OK)
    goto cleanup;
  /* A morning already met (every desktop on time, no storm) needs nothing:
   * no plan search to run. */
  if (f->workload && f->late == 0 && !f->storm && f->ready_fraction >= 1.0)
    snprintf(f->upgrade, sizeof(f->upgrade), "none needed (the morning is met)");
  else
    cheapest_upgrade(path, f);
cleanup:
  vs_buf_clear(&out);
  return rc;
}

/* ---- renderings ---- */

typedef void (*cell_fn)(const facts *f, char *buf, size_t len);
#define CELL(name, ...)                                               \
  static void name(const facts *f, char *buf, size_t len)            \
  {                                                                   \
    snprintf(buf, len, __VA_ARGS__);                                  \
  }
CELL(c_hosts, "%d", f->sc->hosts.count)
CELL(c_cores, "%d", f->sc->hosts.count * f->sc->hosts.cores)
CELL(c_vms, "%d", vs_scenario_total_vms(f->sc))
CELL(c_hdds, "%d", vs_scenario_total_hdds(f->sc))
CELL(c_threshold, "%d (%s)", f->threshold, f->limits[0] ? f->limits : "no limit")
CELL(c_lanes, "%d", f->lanes)
CELL(c_bound, "%.0f s (%s)", f->bound_s, f->bound_by)
CELL(c_makespan, "%.0f s", f->makespan_s)
CELL(c_ontime, "%.1f %%%s", 100 * f->ready_fraction, f->storm ? ", storm" : "")
CELL(c_idle, "%.0f", f->idle_vm_min)
CELL(c_upgrade, "%s", f->upgrade)
static void c_first(const facts *f, char *buf, size_t len)
{
  if (isnan(f->first_start_s))
    snprintf(buf, len, "-");
  else
    vs_clock_format(f->first_start_s, buf, len);
}
static void c_energy(const facts *f, char *buf, size_t len)
{
  if (isnan(f->idle_kWh))
    snprintf(buf, len, "n/a (no energy section)");
  else
    snprintf(buf, len, "%.2f kWh", f->idle_kWh);
}

static const struct {
  const char *name;
  cell_fn cell;
  int needs_workload;
} rows[] = {
    {"hosts", c_hosts, 0},
    {"cores", c_cores, 0},
    {"desktops", c_vms, 0},
    {"HDDs", c_hdds, 0},
    {"threshold (bound by)", c_threshold, 0},
    {"storm-free lanes", c_lanes, 1},
    {"storm-free boot of all (bound)", c_bound, 1},
    {"jit makespan (simulated)", c_makespan, 1},
    {"first power-on", c_first, 1},
    {"on time", c_ontime, 1},
    {"idle VM-minutes", c_idle, 1},
    {"idle energy", c_energy, 1},
    {"cheapest upgrade", c_upgrade, 0},
};
#define N_ROWS (sizeof(rows) / sizeof(rows[0]))

static void cell(const facts *f, size_t row, char *buf, size_t len)
{
  if (rows[row].needs_workload && !f->workload)
    snprintf(buf, len, "no workload");
  else
    rows[row].cell(f, buf, len);
}

/* One column per scenario, as wide as its widest cell. */
static void print_table(const facts *fs, size_t n)
{
  char buf[256];
  int width[VS_COMPARE_MAX];
  for (size_t i = 0; i < n; i++) {
    width[i] = (int)strlen(fs[i].sc->name);
    for (size_t r = 0; r < N_ROWS; r++) {
      cell(&fs[i], r, buf, sizeof(buf));
      width[i] = (int)strlen(buf) > width[i] ? (int)strlen(buf) : width[i];
    }
  }
  printf("%-30s", "");
  for (size_t i = 0; i < n; i++)
    printf("  %-*s", i + 1 < n ? width[i] : 0, fs[i].sc->name);
  putchar('\n');
  for (size_t r = 0; r < N_ROWS; r++) {
    printf("%-30s", rows[r].name);
    for (size_t i = 0; i < n; i++) {
      cell(&fs[i], r, buf, sizeof(buf));
      printf("  %-*s", i + 1 < n ? width[i] : 0, buf);
    }
    putchar('\n');
  }
}

static int write_html(vs_outdir *d, const facts *fs, size_t n)
{
  vs_html *h = NULL;
  char buf[256], *html = NULL;
  size_t len = 0;
  int rc;
  if ((rc = vs_html_create(&h, "vdistorm: scenarios compared")) != VS_OK)
    return rc;
  vs_html_raw(h, "<h1>Scenarios compared</h1>\n<p id=\"answer\" class=\"answer\">");
  vs_html_textf(h, "%zu scenarios, each simulated by 'vdistorm run': the threshold and what bounds it, how fast the "
                   "whole workload can boot without a storm, the recommended morning and the cheapest upgrade.", n);
  vs_html_raw(h, "</p>\n<table>\n<tr><th></th>");
  for (size_t i = 0; i < n; i++) {
    vs_html_raw(h, "<th>");
    vs_html_text(h, fs[i].sc->name);
    vs_html_raw(h, "</th>");
  }
  vs_html_raw(h, "</tr>\n");
  for (size_t r = 0; r < N_ROWS; r++) {
    vs_html_raw(h, "<tr><th>");
    vs_html_text(h, rows[r].name);
    vs_html_raw(h, "</th>");
    for (size_t i = 0; i < n; i++) {
      cell(&fs[i], r, buf, sizeof(buf));
      vs_html_raw(h, "<td>");
      vs_html_text(h, buf);
      vs_html_raw(h, "</td>");
    }
    vs_html_raw(h, "</tr>\n");
  }
  vs_html_raw(h, "</table>\n");
  if ((rc = vs_html_finish(h, &html, &len)) == VS_OK) {
    FILE *f = vs_outdir_file(d, "index.html");
    if (!f)
      rc = VS_EIO;
    else {
      fwrite(html, 1, len, f);
      rc = vs_outdir_close_file(d, f, "index.html");
    }
  }
  free(html);
  vs_html_free(h);
  return rc;
}

typedef struct {
  const facts *fs;
  size_t n;
} compare_out;

static int write_outputs(vs_outdir *d, void *ctx)
{
  const compare_out *c = ctx;
  char buf[256];
  FILE *f = vs_outdir_file(d, "compare.csv");
  int rc;
  if (!f)
    return VS_EIO;
  fputs("scenario", f);
  for (size_t r = 0; r < N_ROWS; r++)
    fprintf(f, ",\"%s\"", rows[r].name);
  fputc('\n', f);
  for (size_t i = 0; i < c->n; i++) {
    fprintf(f, "\"%s\"", c->fs[i].sc->name);
    for (size_t r = 0; r < N_ROWS; r++) {
      cell(&c->fs[i], r, buf, sizeof(buf));
      fputs(",\"", f);
      for (const char *p = buf; *p; p++)
        fputs(*p == '"' ? "\"\"" : (char[2]){*p, 0}, f);
      fputc('"', f);
    }
    fputc('\n', f);
  }
  if ((rc = vs_outdir_close_file(d, f, "compare.csv")) != VS_OK)
    return rc;
  return write_html(d, c->fs, c->n);
}

static cJSON *summary(const facts *fs, size_t n)
{
  cJSON *j = cJSON_CreateObject(), *arr = cJSON_AddArrayToObject(j, "scenarios");
  for (size_t i = 0; i < n; i++) {
    const facts *f = &fs[i];
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "scenario", f->sc->name);
    cJSON_AddNumberToObject(o, "hosts", f->sc->hosts.count);
    cJSON_AddNumberToObject(o, "cores", f->sc->hosts.count * f->sc->hosts.cores);
    cJSON_AddNumberToObject(o, "vms", vs_scenario_total_vms(f->sc));
    cJSON_AddNumberToObject(o, "hdds", vs_scenario_total_hdds(f->sc));
    cJSON_AddNumberToObject(o, "threshold", f->threshold);
    cJSON_AddStringToObject(o, "limits", f->limits);
    if (f->workload) {
      cJSON_AddNumberToObject(o, "lanes", f->lanes);
      cJSON_AddNumberToObject(o, "storm_free_bound_s", f->bound_s);
      cJSON_AddStringToObject(o, "storm_free_bound_by", f->bound_by);
      cJSON_AddNumberToObject(o, "makespan_s", f->makespan_s);
      cJSON_AddNumberToObject(o, "ready_fraction", f->ready_fraction);
      cJSON_AddBoolToObject(o, "storm", f->storm);
      cJSON_AddNumberToObject(o, "first_start_s", f->first_start_s);
      if (isnan(f->idle_kWh))
        cJSON_AddNullToObject(o, "idle_energy_kWh");
      else
        cJSON_AddNumberToObject(o, "idle_energy_kWh", f->idle_kWh);
    }
    cJSON_AddStringToObject(o, "upgrade", f->upgrade);
    cJSON_AddItemToArray(arr, o);
  }
  return j;
}

int vs_compare_run(const vs_cli_common *o, const char *const *paths, size_t n)
{
  vs_scenario *sc[VS_COMPARE_MAX] = {0};
  facts fs[VS_COMPARE_MAX];
  char *final = NULL;
  cJSON *sum = NULL;
  int rc = VS_OK;
  if (n < 2)
    return vs_error_set(VS_EINPUT, "report --compare: at least two scenarios (e.g. scenarios/rack-*.yaml)");
  memset(fs, 0, sizeof(fs));
  /* Every scenario is loaded first: bad input stops before any run. */
  for (size_t i = 0; i < n && rc == VS_OK; i++)
    if ((rc = vs_workload_scenario_load(&sc[i], paths[i])) == VS_OK)
      fs[i].sc = sc[i];
  if (rc == VS_OK)
    rc = vs_outdir_check(o->out_dir, "compare", o->force, &final);
  for (size_t i = 0; i < n && rc == VS_OK; i++)
    rc = run_one(paths[i], o->quiet, &fs[i]);
  if (rc == VS_OK && !(sum = summary(fs, n)))
    rc = vs_error_set(VS_ENOMEM, "out of memory");
  if (rc == VS_OK) {
    if (o->json)
      vs_json_print(sum);
    else
      print_table(fs, n);
    compare_out c = {fs, n};
    rc = vs_cli_save(o, final, sum, write_outputs, &c);
    if (rc == VS_OK && !o->json)
      printf("report: %s/index.html\n", final);
  }
  cJSON_Delete(sum);
  free(final);
  for (size_t i = 0; i < n; i++)
    vs_scenario_free(sc[i]);
  return rc;
}

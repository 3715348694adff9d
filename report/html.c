#include "report/html.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "core/units.h"

struct vs_html {
  vs_buf b;
  int rc; /* the first failure: later calls are no-ops, finish reports it */
};

/* Inline style: the page makes no request of any kind. */
static const char style[] =
    "body{font-family:sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#222;line-height:1.45}"
    "h1{font-size:1.6em}h2{border-bottom:1px solid #ccc;padding-bottom:.2em;margin-top:2em}"
    ".answer{font-size:1.12em;background:#f3f6fa;border-left:5px solid #2c5d9e;padding:.8em 1em}"
    ".answer.miss{border-left-color:#b3261e;background:#fbf1f0}"
    "table{border-collapse:collapse;margin:.8em 0}td,th{border:1px solid #ccc;padding:.25em .6em;text-align:left}"
    "td.n{text-align:right;font-variant-numeric:tabular-nums}th{background:#f0f0f0}"
    "figure{margin:1em 0}figure img{max-width:100%;height:auto;border:1px solid #ddd}"
    "figcaption{color:#555;font-size:.92em}.note{color:#555;font-style:italic}";

/* Sets the page's marker attributes once loaded, so that a headless
 * browser's dumped DOM says whether every figure decoded. */
static const char check_script[] =
    "<script>window.addEventListener('load',function(){var im=document.images,ok=0;"
    "for(var i=0;i<im.length;i++)if(im[i].complete&&im[i].naturalWidth>0)ok++;"
    "document.body.setAttribute('data-figures',String(im.length));"
    "document.body.setAttribute('data-figures-loaded',String(ok));});</script>\n";

static int add(vs_html *h, const char *s, size_t n)
{
  if (h->rc == VS_OK)
    h->rc = vs_buf_add(&h->b, s, n);
  return h->rc;
}

int vs_html_raw(vs_html *h, const char *markup) { return add(h, markup, strlen(markup)); }

int vs_html_text(vs_html *h, const char *text)
{
  for (const char *p = text ? text : ""; *p && h->rc == VS_OK; p++) {
    const char *rep = NULL;
    switch (*p) {
    case '&': rep = "&amp;"; break;
    case '<': rep = "&lt;"; break;
    case '>': rep = "&gt;"; break;
    case '"': rep = "&quot;"; break;
    case '\'': rep = "&#39;"; break;
    }
    add(h, rep ? rep : p, rep ? strlen(rep) : 1);
  }
  return h->rc;
}

int vs_html_textf(vs_html *h, const char *fmt, ...)
{
  char small[512], *s = small;
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(small, sizeof(small), fmt, ap);
  va_end(ap);
  if (n < 0)
    return h->rc = vs_error_set(VS_ERROR, "cannot format report text");
  if ((size_t)n >= sizeof(small)) {
    if (!(s = malloc((size_t)n + 1)))
      return h->rc = vs_error_set(VS_ENOMEM, "out of memory");
    va_start(ap, fmt);
    vsnprintf(s, (size_t)n + 1, fmt, ap);
    va_end(ap);
  }
  vs_html_text(h, s);
  if (s != small)
    free(s);
  return h->rc;
}

int vs_html_base64(vs_buf *out, const void *data, size_t len)
{
  static const char abc[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  const unsigned char *p = data;
  char q[4];
  int rc = VS_OK;
  for (size_t i = 0; i < len && rc == VS_OK; i += 3) {
    unsigned v = (unsigned)p[i] << 16 | (i + 1 < len ? (unsigned)p[i + 1] << 8 : 0) | (i + 2 < len ? p[i + 2] : 0);
    q[0] = abc[v >> 18 & 63];
    q[1] = abc[v >> 12 & 63];
    q[2] = i + 1 < len ? abc[v >> 6 & 63] : '=';
    q[3] = i + 2 < len ? abc[v & 63] : '=';
    rc = vs_buf_add(out, q, 4);
  }
  return rc;
}

int vs_html_create(vs_html **out, const char *title)
{
  vs_html *h = calloc(1, sizeof(*h));
  if (!h)
    return vs_error_set(VS_ENOMEM, "out of memory");
  h->b.max = 256u << 20; /* figures of a large site are big SVGs */
  vs_html_raw(h, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                 "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>");
  vs_html_text(h, title);
  vs_html_raw(h, "</title>\n<style>");
  vs_html_raw(h, style);
  vs_html_raw(h, "</style>\n</head>\n<body>\n");
  if (h->rc != VS_OK) {
    vs_html_free(h);
    return vs_error_set(VS_ENOMEM, "out of memory");
  }
  *out = h;
  return VS_OK;
}

void vs_html_free(vs_html *h)
{
  if (!h)
    return;
  vs_buf_clear(&h->b);
  free(h);
}

int vs_html_figure(vs_html *h, const char *svg_path, const char *alt, const char *caption)
{
  vs_buf svg = VS_BUF_INIT;
  int rc;
  svg.max = 128u << 20;
  if (h->rc != VS_OK)
    return h->rc;
  if ((rc = vs_buf_read_file(&svg, svg_path)) != VS_OK)
    return h->rc = rc;
  vs_html_raw(h, "<figure><img alt=\"");
  vs_html_text(h, alt);
  vs_html_raw(h, "\" src=\"data:image/svg+xml;base64,");
  if (h->rc == VS_OK)
    h->rc = vs_html_base64(&h->b, svg.data, svg.len);
  vs_html_raw(h, "\"><figcaption>");
  vs_html_text(h, caption);
  vs_html_raw(h, "</figcaption></figure>\n");
  vs_buf_clear(&svg);
  return h->rc;
}

int vs_html_finish(vs_html *h, char **out, size_t *len)
{
  vs_html_raw(h, check_script);
  vs_html_raw(h, "</body>\n</html>\n");
  if (h->rc != VS_OK)
    return h->rc;
  *len = h->b.len;
  *out = vs_buf_detach(&h->b);
  return VS_OK;
}

/* ---- the report page ---- */

static const vs_validation *recommended(const vs_html_report *r)
{
  return r->runs && r->n_policies ? &r->runs[0].v : NULL;
}

int vs_html_report_met(const vs_html_report *r)
{
  const vs_validation *v = recommended(r);
  return v && v->late_vms == 0 && !v->storm && r->runs[0].sched->n_shortfalls == 0;
}

/* "HDDs: 11 boots on 10 HDDs put two on one disk" -- why k + 1 is a storm. */
static void limit_reasons(const vs_html_report *r, char *buf, size_t len)
{
  const vs_threshold_result *res = &r->threshold->res;
  const vs_scenario *sc = r->sc;
  const vs_threshold_step *st = NULL;
  size_t at = 0;
  buf[0] = '\0';
  for (size_t i = 0; i < res->n_steps; i++)
    if (res->steps[i].k == res->threshold + 1)
      st = &res->steps[i];
  if (!st || !st->limits) {
    snprintf(buf, len, "no limit tripped up to the largest k searched");
    return;
  }
#define REASON(...) at += (size_t)snprintf(buf + at, at < len ? len - at : 0, __VA_ARGS__)
  if (st->limits & VS_LIMIT_HDD)
    REASON("%sthe HDDs (%d boots on %d HDDs put %d on one disk)", at ? "; " : "", st->k, vs_scenario_total_hdds(sc),
           st->max_per_disk);
  if (st->limits & VS_LIMIT_LINK)
    REASON("%sthe storage uplink (%.0f MB/s of boot reads on a %.0f MB/s link)", at ? "; " : "",
           st->max_per_link * st->io_MBps / st->k, sc->storage.link_Bps / 1e6);
  if (st->limits & VS_LIMIT_CPU)
    REASON("%sthe host CPU (a host reaches %.0f %%)", at ? "; " : "", 100 * st->m.peak_cpu_util);
  if (st->limits & VS_LIMIT_SLOWDOWN)
    REASON("%sthe tolerated slowdown (%.2fx the linear trend, %.2fx allowed)", at ? "; " : "", st->slowdown,
           sc->storm.max_slowdown);
#undef REASON
}

/* One plan of plan.json in words: "storage.hdds +4 (cost 4000, threshold 14)". */
static void plan_words(const cJSON *p, char *buf, size_t len)
{
  const cJSON *opt, *cost = cJSON_GetObjectItemCaseSensitive(p, "cost"), *k = cJSON_GetObjectItemCaseSensitive(p, "threshold");
  size_t at = 0;
  buf[0] = '\0';
  cJSON_ArrayForEach(opt, cJSON_GetObjectItemCaseSensitive(p, "options"))
  {
    if (cJSON_IsNumber(opt) && opt->valuedouble != 0 && at < len)
      at += (size_t)snprintf(buf + at, len - at, "%s%s +%g", at ? ", " : "", opt->string, opt->valuedouble);
  }
  if (at < len)
    snprintf(buf + at, len - at, "%scost %g%s%d)", at ? " (" : "no upgrade (", cJSON_IsNumber(cost) ? cost->valuedouble : 0,
             ", threshold ", cJSON_IsNumber(k) ? k->valueint : 0);
}

/* The cheapest plan of plan.json, in words; 0 if it has none. */
static int cheapest_plan(const cJSON *plan, char *buf, size_t len)
{
  const cJSON *p = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(plan, "cheapest"), 0);
  if (!cJSON_IsObject(p))
    return 0;
  plan_words(p, buf, len);
  return 1;
}

/* " The closest, X, misses it by S s." when no plan meets the goal. */
static int closest_plan(const cJSON *plan, vs_buf *out)
{
  const cJSON *c = cJSON_GetObjectItemCaseSensitive(plan, "closest"), *miss = cJSON_GetObjectItemCaseSensitive(c, "miss_s");
  char words[512];
  if (!cJSON_IsObject(c))
    return VS_OK;
  plan_words(c, words, sizeof(words));
  if (cJSON_IsNumber(miss))
    return vs_buf_printf(out, " The closest, %s, misses it by %.0f s.", words, miss->valuedouble);
  return vs_buf_printf(out, " The closest: %s.", words);
}

int vs_html_report_answer(const vs_html_report *r, vs_buf *out)
{
  const vs_threshold_result *res = &r->threshold->res;
  const vs_validation *v = recommended(r);
  char reasons[512], clock[32], plan[512];
  int rc;
  limit_reasons(r, reasons, sizeof(reasons));
  if (res->capped)
    rc = vs_buf_printf(out, "This hardware boots at least %d desktop%s at once without a boot storm: the search "
                            "stopped there without a limit tripping.", res->threshold, res->threshold == 1 ? "" : "s");
  else
    rc = vs_buf_printf(out, "This hardware boots at most %d desktop%s at once without a boot storm; what bounds it "
                            "is %s.", res->threshold, res->threshold == 1 ? "" : "s", reasons);
  if (rc != VS_OK || !v)
    return rc != VS_OK ? rc : vs_buf_printf(out, " The scenario declares no workload, so there is no morning to schedule.");
  int total = vs_scenario_total_vms(r->sc);
  if (vs_html_report_met(r))
    return vs_buf_printf(out,
                         " The recommended schedule (%s) meets the morning: all %d desktops are ready by their "
                         "deadlines with no storm, the first powered on at %s.",
                         r->policies[0], total, vs_clock_format(v->first_start_s, clock, sizeof(clock)));
  rc = vs_buf_printf(out, " The recommended schedule (%s) does not meet the morning: %d of %d desktops are late%s.",
                     r->policies[0], v->late_vms, total, v->storm ? " and it causes a storm" : "");
  if (rc == VS_OK && r->plan && cheapest_plan(r->plan, plan, sizeof(plan)))
    rc = vs_buf_printf(out, " The cheapest plan that meets it: %s.", plan);
  else if (rc == VS_OK && r->plan && (rc = vs_buf_printf(out, " No plan the search tried meets it.")) == VS_OK)
    rc = closest_plan(r->plan, out);
  else if (rc == VS_OK)
    rc = vs_buf_printf(out, " No plan search: %s.", r->plan_note ? r->plan_note : "none was run");
  return rc;
}

static void row2(vs_html *h, const char *key, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void row2(vs_html *h, const char *key, const char *fmt, ...)
{
  char val[512];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(val, sizeof(val), fmt, ap);
  va_end(ap);
  vs_html_raw(h, "<tr><th>");
  vs_html_text(h, key);
  vs_html_raw(h, "</th><td>");
  vs_html_text(h, val);
  vs_html_raw(h, "</td></tr>\n");
}

static void inputs_section(vs_html *h, const vs_scenario *sc)
{
  const vs_hosts *ho = &sc->hosts;
  const vs_storage *st = &sc->storage;
  char clock[32];
  vs_html_raw(h, "<h2>Inputs</h2>\n<table>\n");
  row2(h, "scenario", "%s%s%s", sc->name, sc->description ? ": " : "", sc->description ? sc->description : "");
  row2(h, "hosts", "%d hosts x %d cores at %.2f GHz (%d cores)%s", ho->count, ho->cores, ho->core_fps / 1e9,
       ho->count * ho->cores, ho->vm_slots ? "" : "");
  if (ho->vm_slots)
    row2(h, "desktops per host", "at most %d", ho->vm_slots);
  if (st->kind == VS_STORAGE_NAS) {
    row2(h, "storage", "%d NAS x %d HDDs (%d HDDs), images placed %s", st->nas_count, st->hdds,
         vs_scenario_total_hdds(sc), st->placement == VS_PLACE_PACK ? "packed" : "spread");
    row2(h, "storage link", "%.0f Mbit/s per NAS uplink; host NICs %.0f Mbit/s", st->link_Bps * 8 / 1e6,
         ho->nic_Bps * 8 / 1e6);
  } else {
    row2(h, "storage", "local: %d HDD%s per host (%d HDDs)", st->hdds, st->hdds == 1 ? "" : "s",
         vs_scenario_total_hdds(sc));
  }
  row2(h, "HDD", "%.1f MB/s random reads with one reader", sc->hdd.read_Bps / 1e6);
  for (size_t c = 0; c < sc->n_classes; c++) {
    const vs_boot_profile *b = &sc->classes[c].boot;
    row2(h, sc->n_classes > 1 ? sc->classes[c].name : "boot profile",
         "image %s: %.0f MB read per boot, %.1f Gcycles of guest work, %.0f cycles of host I/O per byte",
         sc->classes[c].image ? sc->classes[c].image : sc->classes[c].name, b->read_B / 1e6, b->cpu_work_f / 1e9,
         b->io_cpu_fpB);
  }
  row2(h, "storm", "boots may be at most %.2fx slower than one alone; CPU judged over %.0f s", sc->storm.max_slowdown,
       sc->storm.cpu_window_s);
  if (sc->workload.len) {
    char deadlines[512];
    size_t at = 0;
    deadlines[0] = '\0';
    for (size_t i = 0; i < sc->workload.len && at < sizeof(deadlines); i++)
      at += (size_t)snprintf(deadlines + at, sizeof(deadlines) - at, "%s%d by %s", i ? ", " : "",
                             sc->workload.points[i].vms,
                             vs_clock_format(sc->workload.points[i].ready_by_s, clock, sizeof(clock)));
    row2(h, "workload", "%d desktops: %s", vs_scenario_total_vms(sc), deadlines);
    if (sc->workload.earliest_start_s > 0)
      row2(h, "earliest power-on", "%s", vs_clock_format(sc->workload.earliest_start_s, clock, sizeof(clock)));
    if (sc->workload.forecast)
      row2(h, "forecast", "model %s, date %s", sc->workload.forecast->model, sc->workload.forecast->date);
  } else {
    row2(h, "workload", "none declared");
  }
  if (sc->energy.vm_power_W > 0)
    row2(h, "energy", "%.0f W per powered-on, unused desktop", sc->energy.vm_power_W);
  vs_html_raw(h, "</table>\n");
}

static void note(vs_html *h, const char *text)
{
  vs_html_raw(h, "<p class=\"note\">");
  vs_html_text(h, text);
  vs_html_raw(h, "</p>\n");
}

static void threshold_section(vs_html *h, const vs_html_report *r)
{
  const vs_threshold_result *res = &r->threshold->res;
  vs_html_raw(h, "<h2>The boot-storm threshold</h2>\n<p>");
  vs_html_textf(h,
                "k VMs were booted at once for k = 1, 2, ... (%zu steps simulated). One VM alone boots in %.1f s. "
                "The threshold is the largest k at which no limit trips: %d.",
                res->n_steps, res->unloaded_boot_s, res->threshold);
  vs_html_raw(h, "</p>\n");
  if (r->fig_threshold)
    vs_html_figure(h, r->fig_threshold, "all-ready time and peak CPU against k",
                   "Time until all k VMs are ready and the busiest host's peak CPU, against k; the threshold dashed "
                   "(the paper's Fig. 5).");
  if (r->fig_cpu) {
    char ks[128];
    size_t at = 0;
    for (size_t i = 0; i < r->n_cpu_ks && at < sizeof(ks); i++)
      at += (size_t)snprintf(ks + at, sizeof(ks) - at, "%s%d", i ? ", " : "", r->cpu_ks[i]);
    char caption[256];
    snprintf(caption, sizeof(caption),
             "The busiest host's CPU while k VMs boot at once, k = %s (the paper's Fig. 6).", ks);
    vs_html_figure(h, r->fig_cpu, "host CPU over time for several k", caption);
  }
}

static void policy_table(vs_html *h, const vs_html_report *r)
{
  char clock[32];
  vs_html_raw(h, "<table>\n<tr><th>policy</th><th>on time</th><th>late</th><th>idle VM-min</th>"
                 "<th>first start</th><th>storm</th><th>makespan</th><th>/storm-free bound</th></tr>\n");
  for (size_t i = 0; i < r->n_policies; i++) {
    const vs_validation *v = &r->runs[i].v;
    vs_html_raw(h, "<tr><td>");
    vs_html_textf(h, "%s%s", r->policies[i], i == 0 ? " (recommended)" : "");
    vs_html_raw(h, "</td><td class=\"n\">");
    vs_html_textf(h, "%.1f %%", 100 * v->ready_fraction);
    vs_html_raw(h, "</td><td class=\"n\">");
    vs_html_textf(h, "%d", v->late_vms);
    vs_html_raw(h, "</td><td class=\"n\">");
    vs_html_textf(h, "%.1f", v->idle_vm_minutes);
    vs_html_raw(h, "</td><td>");
    vs_html_text(h, vs_clock_format(v->first_start_s, clock, sizeof(clock)));
    vs_html_raw(h, "</td><td>");
    vs_html_text(h, v->storm ? "YES" : "no");
    vs_html_raw(h, "</td><td class=\"n\">");
    vs_html_textf(h, "%.0f s", v->makespan_s);
    vs_html_raw(h, "</td><td class=\"n\">");
    vs_html_textf(h, "%.3f", v->storm_free_ratio);
    vs_html_raw(h, "</td></tr>\n");
  }
  vs_html_raw(h, "</table>\n");
}

/* The recommended schedule by minute of power-on, as `schedule` prints it. */
static void schedule_table(vs_html *h, const vs_schedule *s)
{
  char a[32], b[32];
  size_t rows = 0;
  vs_html_raw(h, "<table>\n<tr><th>minute</th><th>VMs powered on</th><th>ready by</th></tr>\n");
  for (size_t i = 0; i < s->n && rows < 60;) {
    double minute = floor(s->entries[i].start_s / 60) * 60;
    size_t j = i;
    double by = 0;
    while (j < s->n && floor(s->entries[j].start_s / 60) * 60 == minute)
      by = fmax(by, s->entries[j++].ready_by_s);
    vs_html_raw(h, "<tr><td>");
    vs_html_text(h, vs_clock_format(minute, a, sizeof(a)));
    vs_html_raw(h, "</td><td class=\"n\">");
    vs_html_textf(h, "%zu", j - i);
    vs_html_raw(h, "</td><td>");
    vs_html_text(h, vs_clock_format(by, b, sizeof(b)));
    vs_html_raw(h, "</td></tr>\n");
    rows++;
    i = j;
    if (rows == 60 && i < s->n) {
      vs_html_raw(h, "<tr><td colspan=\"3\">");
      vs_html_textf(h, "... %zu more VMs (every VM in jit-schedule.csv)", s->n - i);
      vs_html_raw(h, "</td></tr>\n");
    }
  }
  vs_html_raw(h, "</table>\n");
}

static void schedule_section(vs_html *h, const vs_html_report *r)
{
  vs_html_raw(h, "<h2>The morning schedule</h2>\n");
  if (!r->runs) {
    note(h, "The scenario declares no workload, so there is no morning to schedule.");
    return;
  }
  const vs_validation *v = &r->runs[0].v;
  vs_html_raw(h, "<p>");
  vs_html_textf(h,
                "The recommended schedule (%s) powers desktops on in storm-free lanes, backwards from each deadline. "
                "Simulated: %d of %d on time, peak %d booting at once, %.1f idle VM-minutes before use.",
                r->policies[0], (int)lround(v->ready_fraction * vs_scenario_total_vms(r->sc)),
                vs_scenario_total_vms(r->sc), v->peak_concurrency, v->idle_vm_minutes);
  vs_html_raw(h, "</p>\n");
  if (r->fig_ready)
    vs_html_figure(h, r->fig_ready, "desktops ready over the morning per policy",
                   "Desktops required by their deadlines (steps) against desktops ready under each policy; the "
                   "recommended policy's power-ons dashed.");
  policy_table(h, r);
  schedule_table(h, r->runs[0].sched);
}

static void plan_section(vs_html *h, const vs_html_report *r)
{
  vs_html_raw(h, "<h2>What-ifs: the cheapest upgrade</h2>\n");
  if (!r->plan) {
    char text[512];
    snprintf(text, sizeof(text), "No plan search: %s.", r->plan_note ? r->plan_note : "none was run");
    note(h, text);
    return;
  }
  const cJSON *j = r->plan, *list = cJSON_GetObjectItemCaseSensitive(j, "frontier"), *p;
  const cJSON *sim = cJSON_GetObjectItemCaseSensitive(j, "simulated"), *comb = cJSON_GetObjectItemCaseSensitive(j, "combinations");
  char plan[512], clock[32];
  vs_html_raw(h, "<p>");
  vs_html_textf(h, "The plan search tried %d of %d combinations of the scenario's options. ",
                cJSON_IsNumber(sim) ? sim->valueint : 0, cJSON_IsNumber(comb) ? comb->valueint : 0);
  if (cheapest_plan(j, plan, sizeof(plan)))
    vs_html_textf(h, "The cheapest that meets the morning: %s.", plan);
  else {
    vs_buf none = VS_BUF_INIT;
    if (vs_buf_printf(&none, "None of them meets the morning.") == VS_OK && closest_plan(j, &none) == VS_OK)
      vs_html_text(h, none.data);
    vs_buf_clear(&none);
  }
  vs_html_raw(h, "</p>\n");
  if (r->fig_plan)
    vs_html_figure(h, r->fig_plan, "cost against last desktop ready",
                   "Each plan on the cost frontier: its cost against the time its last desktop is ready; the "
                   "deadline dashed.");
  if (!cJSON_IsArray(list) || !cJSON_GetArraySize(list))
    list = cJSON_GetObjectItemCaseSensitive(j, "cheapest");
  vs_html_raw(h, "<table>\n<tr><th>cost</th><th>options</th><th>threshold</th><th>limit</th><th>last ready</th>"
                 "<th>margin</th><th>meets</th></tr>\n");
  cJSON_ArrayForEach(p, list)
  {
    const cJSON *c = cJSON_GetObjectItemCaseSensitive(p, "cost"), *k = cJSON_GetObjectItemCaseSensitive(p, "threshold"),
                *lim = cJSON_GetObjectItemCaseSensitive(p, "limit"),
                *lr = cJSON_GetObjectItemCaseSensitive(p, "latest_ready_s"),
                *m = cJSON_GetObjectItemCaseSensitive(p, "margin_s"), *opt;
    vs_html_raw(h, "<tr><td class=\"n\">");
    vs_html_textf(h, "%g", cJSON_IsNumber(c) ? c->valuedouble : NAN);
    vs_html_raw(h, "</td><td>");
    int any = 0;
    cJSON_ArrayForEach(opt, cJSON_GetObjectItemCaseSensitive(p, "options"))
    {
      if (cJSON_IsNumber(opt) && opt->valuedouble != 0)
        vs_html_textf(h, "%s%s +%g", any++ ? ", " : "", opt->string, opt->valuedouble);
    }
    if (!any)
      vs_html_text(h, "as is");
    vs_html_raw(h, "</td><td class=\"n\">");
    vs_html_textf(h, "%d", cJSON_IsNumber(k) ? k->valueint : 0);
    vs_html_raw(h, "</td><td>");
    vs_html_text(h, cJSON_IsString(lim) ? lim->valuestring : "");
    vs_html_raw(h, "</td><td>");
    vs_html_text(h, cJSON_IsNumber(lr) ? vs_clock_format(lr->valuedouble, clock, sizeof(clock)) : "");
    vs_html_raw(h, "</td><td class=\"n\">");
    vs_html_textf(h, "%.0f s", cJSON_IsNumber(m) ? m->valuedouble : NAN);
    vs_html_raw(h, "</td><td>");
    vs_html_text(h, cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(p, "meets")) ? "yes" : "no");
    vs_html_raw(h, "</td></tr>\n");
  }
  vs_html_raw(h, "</table>\n");
}

static void sweep_section(vs_html *h, const vs_html_report *r)
{
  vs_html_raw(h, "<h2>What-ifs: a sweep</h2>\n");
  if (!r->sweep) {
    char text[512];
    snprintf(text, sizeof(text), "No sweep: %s.", r->sweep_note ? r->sweep_note : "none was given");
    note(h, text);
    return;
  }
  vs_html_raw(h, "<p>");
  vs_html_textf(h, "%zu sweep points over %s (%zu values)%s%s%s; the colour is %s.", r->sweep->n_rows, r->sweep->x_key,
                r->sweep->n_x, r->sweep->y_key ? " and " : "", r->sweep->y_key ? r->sweep->y_key : "",
                r->sweep->y_key ? "" : "", r->sweep->value_key);
  vs_html_raw(h, "</p>\n");
  if (r->fig_sweep)
    vs_html_figure(h, r->fig_sweep, "sweep heat map", "The sweep's first two varied keys as axes, coloured by the "
                                                      "recommended schedule's makespan (s).");
}

static void forecast_section(vs_html *h, const vs_html_report *r)
{
  if (!r->sc->workload.forecast)
    return; /* a scenario without a forecast: nothing to say */
  vs_html_raw(h, "<h2>Forecast against actual</h2>\n");
  if (r->fig_forecast && r->forecast_text) {
    vs_html_raw(h, "<p>");
    vs_html_text(h, r->forecast_text);
    vs_html_raw(h, "</p>\n");
  }
  if (r->fig_forecast)
    vs_html_figure(h, r->fig_forecast, "forecast against actual",
                   "Desktops needed per day over the evaluation year, forecast against actual, both smoothed by a "
                   "Gaussian filter (the paper's Fig. 3).");
  else
    note(h, r->forecast_note ? r->forecast_note : "No evaluation year is available for this forecast.");
}

int vs_html_report_render(const vs_html_report *r, char **out, size_t *len)
{
  vs_buf answer = VS_BUF_INIT;
  vs_html *h = NULL;
  char title[256];
  int rc;
  snprintf(title, sizeof(title), "vdistorm report: %s", r->sc->name);
  if ((rc = vs_html_report_answer(r, &answer)) != VS_OK || (rc = vs_html_create(&h, title)) != VS_OK)
    goto cleanup;
  vs_html_raw(h, "<h1>");
  vs_html_text(h, title);
  vs_html_raw(h, "</h1>\n<p id=\"answer\" class=\"answer");
  vs_html_raw(h, !r->runs || vs_html_report_met(r) ? "\">" : " miss\">");
  vs_html_text(h, answer.data);
  vs_html_raw(h, "</p>\n");
  inputs_section(h, r->sc);
  threshold_section(h, r);
  schedule_section(h, r);
  plan_section(h, r);
  sweep_section(h, r);
  forecast_section(h, r);
  vs_html_raw(h, "<p class=\"note\">Simulated by vdistorm (SimGrid); every figure is embedded in this page.</p>\n");
  rc = vs_html_finish(h, out, len);
cleanup:
  vs_html_free(h);
  vs_buf_clear(&answer);
  return rc;
}

/* The command line as a user meets it: help, errors, --json, result folders,
 * and the main job on the default scenario.
 * usage: test_cli VDISTORM SOURCE_DIR */
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "run_cmd.h"

static const char *bin, *src;
static char tmp[] = "/tmp/vdistorm-test-cli-XXXXXX";

static int exists(const char *path)
{
  struct stat st;
  return stat(path, &st) == 0;
}

static int count_lines(const char *s)
{
  int n = 0;
  for (; s && *s; s++)
    n += *s == '\n';
  return n;
}

static void help_and_usage(void)
{
  char *out;
  CHECK(run_cmd(&out, "%s --help", bin) == 0);
  CHECK_STR_CONTAINS(out, "boot");
  CHECK_STR_CONTAINS(out, "threshold");
  CHECK_STR_CONTAINS(out, "run");
  free(out);
  const char *cmds[] = {"boot", "threshold", "run"};
  for (int i = 0; i < 3; i++) {
    CHECK(run_cmd(&out, "%s %s --help", bin, cmds[i]) == 0);
    CHECK_STR_CONTAINS(out, "--json");
    CHECK_STR_CONTAINS(out, "-o DIR");
    free(out);
  }
  CHECK(run_cmd(&out, "%s frobnicate 2>/dev/null", bin) == 2);
  free(out);
  CHECK(run_cmd(&out, "%s boot --vms 2 --frobnicate 2>/dev/null", bin) == 2);
  free(out);
  CHECK(run_cmd(&out, "%s boot --vms 0 2>&1", bin) == 2);
  CHECK_STR_CONTAINS(out, "--vms");
  free(out);
  CHECK(run_cmd(&out, "%s threshold --search sideways 2>&1", bin) == 2);
  CHECK_STR_CONTAINS(out, "auto, linear or fast");
  free(out);
}

/* Bad input: one clear line naming file:line:col and the key, exit 2, no folder. */
static void bad_scenario(void)
{
  char *out, dir[512];
  snprintf(dir, sizeof(dir), "%s/should-not-exist", tmp);
  int rc = run_cmd(&out, "%s boot %s/tests/bad/unknown_key.yaml --vms 2 -o %s 2>&1", bin, src, dir);
  CHECK(rc == 2);
  CHECK_STR_CONTAINS(out, "unknown_key.yaml:");
  CHECK(count_lines(out) == 1);
  CHECK(!exists(dir));
  free(out);
  rc = run_cmd(&out, "%s run %s/no/such/file.yaml -o %s 2>&1", bin, tmp, dir);
  CHECK(rc == 2);
  CHECK_STR_CONTAINS(out, "file.yaml");
  CHECK(!exists(dir));
  free(out);
}

static void boot_outputs(void)
{
  char *out, dir[512], path[600];
  snprintf(dir, sizeof(dir), "%s/boot4", tmp);
  /* stdout is exactly one JSON object (progress goes to stderr). */
  int rc = run_cmd(&out, "%s boot %s/scenarios/braids-single-hdd.yaml --vms 4 --json -o %s", bin, src, dir);
  CHECK(rc == 0);
  cJSON *j = cJSON_Parse(out);
  CHECK_MSG(j != NULL, "stdout is not one JSON object: %.200s", out);
  free(out);
  if (!j)
    return;
  const char *keys[] = {"vms", "all_ready_s", "mean_ready_s", "peak_cpu_util", "mean_disk_MBps", "peak_link_util"};
  for (int i = 0; i < 6; i++)
    CHECK_MSG(!isnan(jnum(j, keys[i])), "key %s", keys[i]);
  CHECK(cJSON_GetArraySize(cJSON_GetObjectItem(j, "ready_s")) == 4);

  snprintf(path, sizeof(path), "%s/summary.json", dir);
  char *summary = slurp_file(path, NULL);
  cJSON *saved = summary ? cJSON_Parse(summary) : NULL;
  CHECK(saved && jnum(saved, "all_ready_s") == jnum(j, "all_ready_s"));
  cJSON_Delete(saved);
  free(summary);

  snprintf(path, sizeof(path), "%s/vms.csv", dir);
  char *vms = slurp_file(path, NULL);
  CHECK(count_lines(vms) == 5);
  free(vms);

  /* The per-second series add up to the bytes the boots read (4 x 632 MB). */
  snprintf(path, sizeof(path), "%s/timeseries.csv", dir);
  FILE *f = fopen(path, "r");
  CHECK(f != NULL);
  if (f) {
    char line[512];
    double mb = 0, prev_t = 0, t, disk;
    int rows = 0, booting, ready;
    CHECK(fgets(line, sizeof(line), f) && strstr(line, "t_s,booting,ready"));
    while (fgets(line, sizeof(line), f))
      if (sscanf(line, "%lf,%d,%d,%*f,%*f,%lf", &t, &booting, &ready, &disk) == 4) {
        mb += disk * (t - prev_t);
        prev_t = t;
        rows++;
      }
    fclose(f);
    double read = jnum(j, "read_MB");
    CHECK_MSG(fabs(read - 4 * 632) < 0.1 * 4 * 632, "read %.1f MB", read);
    CHECK_MSG(fabs(mb - read) < 0.005 * read, "disk series integrates to %.1f MB of %.1f", mb, read);
    CHECK_MSG(rows >= (int)jnum(j, "all_ready_s"), "one row per second: %d rows", rows);
    CHECK(ready == 4 && booting == 0);
  }
  cJSON_Delete(j);
  /* No partial folders are left behind. */
  char *ls;
  run_cmd(&ls, "ls %s", tmp);
  CHECK(!strstr(ls, "partial"));
  free(ls);
}

static void main_job(void)
{
  char *out, dir[512];
  snprintf(dir, sizeof(dir), "%s/run", tmp);
  int rc = run_cmd(&out, "cd %s && %s run --json -o %s", src, bin, dir);
  CHECK(rc == 0);
  cJSON *j = cJSON_Parse(out);
  CHECK(j != NULL);
  free(out);
  if (!j)
    return;
  cJSON *th = cJSON_GetObjectItem(j, "threshold"), *wl = cJSON_GetObjectItem(j, "workload");
  CHECK(jnum(th, "threshold") == 10);
  CHECK(jnum(wl, "vms") == 70);
  cJSON *pol = cJSON_GetObjectItem(wl, "policies");
  cJSON *jit = cJSON_GetObjectItem(cJSON_GetObjectItem(pol, "jit"), "validation");
  cJSON *waves = cJSON_GetObjectItem(cJSON_GetObjectItem(pol, "braids-waves"), "validation");
  cJSON *once = cJSON_GetObjectItem(cJSON_GetObjectItem(pol, "all-at-once"), "validation");
  CHECK(!strcmp(cJSON_GetObjectItem(wl, "recommended")->valuestring, "jit"));
  CHECK(jnum(jit, "late_vms") == 0 && jnum(waves, "late_vms") == 0);
  CHECK(cJSON_IsFalse(cJSON_GetObjectItem(jit, "storm")));
  CHECK(cJSON_IsTrue(cJSON_GetObjectItem(once, "storm")));
  cJSON_Delete(j);
  char path[600];
  const char *files[] = {"summary.json", "threshold-steps.csv", "jit-schedule.csv", "jit-timeseries.csv",
                         "braids-waves-schedule.csv", "all-at-once-vms.csv"};
  for (int i = 0; i < 6; i++) {
    snprintf(path, sizeof(path), "%s/%s", dir, files[i]);
    CHECK_MSG(exists(path), "%s", path);
  }
}

/* Figures from the main job's folder: real PNGs, and clear errors. */
static void plots(void)
{
  char dir[512], *out;
  snprintf(dir, sizeof(dir), "%s/run", tmp);
  CHECK(run_cmd(&out, "%s plot %s", bin, dir) == 0);
  const char *pngs[] = {"threshold.png", "jit-timeseries.png", "braids-waves-timeseries.png",
                        "all-at-once-timeseries.png", "threshold-k10-timeseries.png"};
  for (int i = 0; i < 5; i++) {
    char path[700], magic[8] = {0};
    snprintf(path, sizeof(path), "%s/%s", dir, pngs[i]);
    CHECK_STR_CONTAINS(out, pngs[i]);
    FILE *f = fopen(path, "rb");
    CHECK_MSG(f && fread(magic, 1, 8, f) == 8 && !memcmp(magic, "\x89PNG\r\n\x1a\n", 8), "%s is not a PNG", path);
    if (f) {
      fseek(f, 0, SEEK_END);
      CHECK_MSG(ftell(f) > 10000, "%s is nearly empty", path);
      fclose(f);
    }
  }
  free(out);
  CHECK(run_cmd(&out, "%s plot %s/no-such-folder 2>&1", bin, tmp) == 2);
  CHECK_STR_CONTAINS(out, "no-such-folder: cannot read");
  free(out);
  CHECK(run_cmd(&out, "mkdir -p %s/empty && %s plot %s/empty 2>&1", tmp, bin, tmp) == 2);
  CHECK_STR_CONTAINS(out, "nothing to plot");
  free(out);
}

int main(int argc, char **argv)
{
  if (argc < 3 || !mkdtemp(tmp))
    return 2;
  bin = argv[1];
  src = argv[2];
  help_and_usage();
  bad_scenario();
  boot_outputs();
  main_job();
  plots();
  char *out;
  run_cmd(&out, "rm -rf %s", tmp);
  free(out);
  return CHECK_DONE();
}

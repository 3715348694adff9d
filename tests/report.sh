#!/usr/bin/env bash
# vdistorm report: the HTML page, its figures, the failures it must survive
# or refuse, and --compare.
#
#   tests/report.sh VDISTORM SOURCE_DIR
#
# Needs gnuplot (exit 77 without it); the browser checks need chromium
# (Debian `chromium`) and are skipped, saying so, without it.
set -uo pipefail
bin=$1
src=$2
. "$(dirname "$0")/lib.sh"
command -v gnuplot >/dev/null || { echo "gnuplot is not installed: skipped"; exit 77; }
case=$src/scenarios/braids-case-study.yaml
fixtures=$src/tests/report

is_png() { [ "$(head -c 8 "$1" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ]; }
# PNG width from its IHDR (bytes 16..19, big-endian).
png_width() { od -An -tu1 -j16 -N4 "$1" | awk '{ print $1 * 16777216 + $2 * 65536 + $3 * 256 + $4 }'; }
is_svg() { head -c 200 "$1" | grep -q '<?xml' && grep -q '<svg' "$1" && tail -c 20 "$1" | grep -q '</svg>'; }
lines() { grep -c . "$1"; }

# -- The report with the plan and sweep fixtures (the formats of vdistorm
#    plan --json and vdistorm sweep): every figure, one page.
"$bin" report "$case" -o rep --plan "$fixtures/plan" --sweep "$fixtures/sweep" -q >rep.out 2>rep.err
code=$?
check "report: exit $code" test $code -eq 0
check "report: prints the page's path" grep -q "^report: .*rep/index.html$" rep.out
check "report: prints the answer" grep -q "boots at most 10 desktops at once" rep.out
check "report: nothing on stderr with -q" test ! -s rep.err
for f in threshold cpu-by-k ready plan-frontier sweep-heat; do
  check "report: figures/$f.svg is an SVG" is_svg "rep/figures/$f.svg"
done
for f in cpu-by-k.csv ready.csv plan-frontier.csv sweep-heat.csv threshold-steps.csv summary.json; do
  check "report: $f written" test -s "rep/$f"
done
html=rep/index.html
check "report: answer paragraph" grep -q '<p id="answer" class="answer">This hardware boots at most 10 desktops at once without a boot storm; what bounds it is the HDDs' $html
check "report: the morning is met" grep -q "meets the morning: all 70 desktops are ready" $html
check "report: five embedded figures" test "$(grep -o '<img alt="[^"]*" src="data:image/svg+xml;base64,' $html | wc -l)" -eq 5
check "report: no external source or link" test -z "$(grep -Eio '(src|href|action)="(https?:)?//' $html)"
check "report: no external script or style" test -z "$(grep -Eio '<(script|link)[^>]*(src|href)=' $html)"
check "report: an embedded figure decodes to the SVG file" \
  cmp <(grep -o 'src="data:image/svg+xml;base64,[^"]*"' $html | head -1 | sed 's/^src="data:image\/svg+xml;base64,//; s/"$//' | base64 -d) rep/figures/threshold.svg
check "report: inputs table" grep -q "<th>storage</th><td>1 NAS x 10 HDDs (10 HDDs)" $html
check "report: policies compared" grep -q "<td>braids-waves</td>" $html
check "report: cheapest plan from plan.json" grep -q "The cheapest that meets the morning: storage.hdds +4 (cost 4000, threshold 14)" $html
check "report: sweep section" grep -q "6 sweep points over storage.hdds (3 values) and storage.link_bw" $html

# -- A plan search where nothing meets the morning names the closest plan.
"$bin" report "$case" -o none -q --plan "$fixtures/plan-none" >/dev/null 2>&1
check "plan, none meets: the closest named" grep -q "None of them meets the morning. The closest, storage.hdds +2 (cost 2000, threshold 12), misses it by 12 s." none/index.html
check "plan, none meets: frontier figure" is_svg none/figures/plan-frontier.svg
check "plan, none meets: two rows" test "$(grep -c . none/plan-frontier.csv)" -eq 3

# -- Without --plan and without a plan: section the section says why.
"$bin" report "$case" -o plain -q >/dev/null 2>&1
check "plain report: no plan search, said plainly" grep -q "No plan search: the scenario declares no plan: section" plain/index.html
check "plain report: no sweep, said plainly" grep -q "No sweep: none given" plain/index.html
check "plain report: three figures" test "$(ls plain/figures | wc -l)" -eq 3

# -- A scenario without a workload: no morning, said plainly; two figures.
"$bin" report "$src/scenarios/local-real.yaml" -o nowork -q >nowork.out 2>&1
check "no workload: exit 0" test $? -eq 0
check "no workload: the answer says so" grep -q "The scenario declares no workload, so there is no morning to schedule." nowork.out
check "no workload: the schedule section says so" grep -q '<p class="note">The scenario declares no workload' nowork/index.html
check "no workload: threshold and CPU figures only" test "$(ls nowork/figures | tr '\n' ' ')" = "cpu-by-k.svg threshold.svg "

# -- Every string from the scenario is escaped.
sed 's/^description: .*/description: "<script>alert(1)<\/script> \& <b>bold<\/b>"/' "$case" >evil.yaml
"$bin" report evil.yaml -o evil -q >/dev/null 2>&1
check "escaping: report written" test -s evil/index.html
check "escaping: no injected markup" bash -c "! grep -q '<script>alert' evil/index.html && ! grep -q '<b>bold' evil/index.html"
check "escaping: text kept, escaped" grep -q '&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;' evil/index.html

# -- In a headless browser, with every network request sent to a closed
#    port: all figures decode (the page's own check), the answer is there,
#    the screenshot is a PNG.
if command -v chromium >/dev/null; then
  chrome=(chromium --headless --no-sandbox --disable-gpu --proxy-server=127.0.0.1:9 --proxy-bypass-list='<-loopback>'
    --user-data-dir="$work/chrome")
  timeout 120 "${chrome[@]}" --virtual-time-budget=5000 --dump-dom "file://$work/$html" >dom.html 2>/dev/null
  check "browser: the DOM was dumped" grep -q '<body' dom.html
  check "browser: five figures, five loaded" grep -q '<body data-figures="5" data-figures-loaded="5">' dom.html
  check "browser: answer paragraph" grep -q 'id="answer"' dom.html
  timeout 120 "${chrome[@]}" --screenshot="$work/shot.png" --window-size=1280,4000 "file://$work/$html" >/dev/null 2>&1
  check "browser: screenshot is a PNG" is_png shot.png
  check "browser: screenshot is 1280 wide" test "$(png_width shot.png)" -eq 1280
  check "browser: screenshot is not blank" test "$(stat -c %s shot.png)" -gt 50000
else
  echo "chromium is not installed: browser checks skipped"
fi

# -- vdistorm plot draws the same figures from the folder, PNG or SVG.
"$bin" plot rep -o png >/dev/null
for f in threshold cpu-by-k ready plan-frontier sweep-heat; do
  check "plot: $f.png is a PNG" is_png "png/$f.png"
done
"$bin" plot rep -o svg --format svg >/dev/null
check "plot --format svg: SVG figures" is_svg svg/cpu-by-k.svg
"$bin" plot rep --format gif >/dev/null 2>err.txt
check "plot --format gif: exit 2" test $? -eq 2
check "plot --format gif: one line" test "$(lines err.txt)" -eq 1

# -- gnuplot missing, or failing: one line, exit 1, no report, no folder.
mkdir -p empty-bin
PATH=$work/empty-bin "$bin" report "$case" -o nognu -q >out.txt 2>err.txt
code=$?
check "no gnuplot: exit $code" test $code -eq 1
check "no gnuplot: one line" test "$(lines err.txt)" -eq 1
check "no gnuplot: says so" grep -q "is gnuplot installed?" err.txt
check "no gnuplot: no output" test ! -s out.txt
check "no gnuplot: no folder" test -z "$(ls -d nognu* 2>/dev/null)"
VS_GNUPLOT=/bin/false "$bin" report "$case" -o badgnu -q >out.txt 2>err.txt
code=$?
check "failing gnuplot: exit $code" test $code -eq 1
check "failing gnuplot: one line" test "$(lines err.txt)" -eq 1
check "failing gnuplot: says so" grep -q "^vdistorm: /bin/false failed on " err.txt
check "failing gnuplot: no folder" test -z "$(ls -d badgnu* 2>/dev/null)"
#    vdistorm run keeps its results and says why there is no report.
VS_GNUPLOT=/bin/false "$bin" run "$case" -o runbad -q >out.txt 2>err.txt
code=$?
check "run, failing gnuplot: exit $code" test $code -eq 0
check "run, failing gnuplot: one warning" test "$(lines err.txt)" -eq 1
check "run, failing gnuplot: warning says so" grep -q "^vdistorm: no report: /bin/false failed" err.txt
check "run, failing gnuplot: results kept" test -s runbad/summary.json
check "run, failing gnuplot: no index.html, no figures" test ! -e runbad/index.html -a ! -e runbad/figures
check "run, failing gnuplot: no report line" bash -c "! grep -q '^report:' out.txt"
#    and with gnuplot, run writes the report and prints its path.
"$bin" run "$case" -o runok -q >out.txt 2>err.txt
check "run: report written" test -s runok/index.html
check "run: prints report: PATH" grep -q "^report: .*runok/index.html$" out.txt
check "run: its plan section says why not" grep -q "searches no plans" runok/index.html
"$bin" run "$case" -o runjson -q --json >out.json 2>err.txt
check "run --json: names the report" grep -Eq "\"report\":[[:space:]]*\"[^\"]*runjson/index.html\"" out.json
check "run --json: one object" test "$(grep -c '^{' out.json)" -eq 1
check "run --json: summary.json without it" bash -c "! grep -q '\"report\"' runjson/summary.json"
"$bin" run "$case" --no-save -q >out.txt 2>err.txt
check "run --no-save: no report line" bash -c "! grep -q '^report:' out.txt"

# -- Bad input: one line, exit 2, nothing written.
echo '{"cheapest": 3' >bad.json && mkdir -p badplan && mv bad.json badplan/plan.json
"$bin" report "$case" -o out-badplan --plan badplan -q >out.txt 2>err.txt
check "bad plan.json: exit 2" test $? -eq 2
check "bad plan.json: one line naming it" bash -c "test \$(grep -c . err.txt) -eq 1 && grep -q 'badplan/plan.json' err.txt"
check "bad plan.json: nothing written" test ! -e out-badplan
mkdir -p badsweep && printf 'storage.hdds,threshold,limit,jit.makespan_s\n6,6,hdd\n' >badsweep/sweep.csv
"$bin" report "$case" -o out-badsweep --sweep badsweep -q >out.txt 2>err.txt
check "bad sweep.csv: exit 2" test $? -eq 2
check "bad sweep.csv: FILE:LINE" grep -q "badsweep/sweep.csv:2: 3 fields, the header has 4" err.txt
check "bad sweep.csv: nothing written" test ! -e out-badsweep
"$bin" report "$case" -o out-nodir --plan no-such-dir -q >out.txt 2>err.txt
check "missing --plan folder: exit non-zero, one line" bash -c "test \$(grep -c . err.txt) -eq 1"
check "missing --plan folder: nothing written" test ! -e out-nodir
"$bin" report "$case" "$case" -o two -q >out.txt 2>err.txt
check "two scenarios without --compare: exit 2" test $? -eq 2

# -- A forecast workload gets the forecast against the actual year (Fig. 3):
#    a small model (2021-2022) is trained here for the bundled scenario.
mkdir -p fc/data fc/scenarios
"$bin" dataset --from 2021-01-01 --to 2023-12-31 --seed 42 -o fc/data/usage.csv >/dev/null 2>&1
"$bin" forecast train --data fc/data/usage.csv --until 2022-12-31 -o fc/data/usage-model.json >/dev/null 2>&1
cp "$src/scenarios/forecast-day.yaml" fc/scenarios/
"$bin" report fc/scenarios/forecast-day.yaml -o fc/rep -q >/dev/null 2>fc.err
check "forecast report: exit 0" test $? -eq 0
check "forecast report: figure" is_svg fc/rep/figures/forecast-year.svg
check "forecast report: a row per day of 2023" test "$(grep -c . fc/rep/forecast-year.csv)" -eq 366
check "forecast report: section with its accuracy" grep -Eq "against 2023, the year before the forecast date.*Over the 1460 \(day, hour\) rows: R2 0\.9[0-9]+" fc/rep/index.html
check "forecast report: smoothed columns" grep -q "^day,actual,forecast,actual_smoothed,forecast_smoothed$" fc/rep/forecast-year.csv
check "no forecast section without a forecast" bash -c "! grep -q 'Forecast against actual' $html"

# -- SIGINT during a report: 130, one line, nothing left.
"$bin" report "$src/scenarios/morning-1000.yaml" -o sig -q 2>sig.err &
pid=$!
sleep 0.5
kill -INT $pid
wait $pid
code=$?
check "SIGINT: exit $code" test $code -eq 130
check "SIGINT: one line" test "$(lines sig.err)" -eq 1
check "SIGINT: no folder, no partial" test -z "$(ls -d sig sig.partial-* 2>/dev/null)"

# -- --compare: one column per scenario, facts that must order.
"$bin" report --compare "$case" "$src/scenarios/morning-1000.yaml" -o cmp -q >cmp.out 2>cmp.err
code=$?
check "compare: exit $code" test $code -eq 0
check "compare: one column per scenario" grep -Eq '^ +braids-case-study +morning-1000 *$' cmp.out
check "compare: desktops row" grep -Eq '^desktops +70 +900 *$' cmp.out
check "compare: thresholds" grep -Eq '^threshold \(bound by\) +10 \(hdd\) +6 \(hdd\)' cmp.out
check "compare: mornings met need no upgrade" grep -Eq '^cheapest upgrade +none needed \(the morning is met\) +none needed' cmp.out
check "compare: compare.csv has a row per scenario" test "$(grep -c . cmp/compare.csv)" -eq 3
check "compare: index.html table" grep -q "<th>braids-case-study</th><th>morning-1000</th>" cmp/index.html
check "compare: summary.json" grep -Eq '"vms":[[:space:]]*900,' cmp/summary.json
"$bin" report --compare "$case" -o cmp1 -q >/dev/null 2>err.txt
check "compare of one: exit 2" test $? -eq 2
check "compare of one: nothing written" test ! -e cmp1

# -- The KISTI racks: the two smallest side by side (the larger two take
#    ~10 s more each). A row's value for the n-th rack: the table's column.
"$bin" report --compare "$src/scenarios/rack-small.yaml" "$src/scenarios/rack-medium.yaml" -o racks -q >racks.out 2>racks.err
check "racks: exit 0" test $? -eq 0
row() { grep "^$1  " racks.out | sed "s/^$1 *//" | awk -v n="$2" -F'  +' '{ print $n }'; }
check "racks: a column each" grep -Eq '^ +rack-small +rack-medium$' racks.out
check "racks: hosts 10, 20" test "$(row hosts 1)/$(row hosts 2)" = "10/20"
check "racks: cores 320, 640" test "$(row cores 1)/$(row cores 2)" = "320/640"
check "racks: desktops 1280, 2560" test "$(row desktops 1)/$(row desktops 2)" = "1280/2560"
check "racks: HDDs 48, 96" test "$(row HDDs 1)/$(row HDDs 2)" = "48/96"
check "racks: threshold grows with the shelves, HDD-bound" \
  test "$(row 'threshold (bound by)' 1)/$(row 'threshold (bound by)' 2)" = "48 (hdd)/96 (hdd)"
check "racks: every desktop on time" test "$(row 'on time' 1)/$(row 'on time' 2)" = "100.0 %/100.0 %"
b1=$(row 'storm-free boot of all (bound)' 1) b2=$(row 'storm-free boot of all (bound)' 2)
check "racks: the storm-free bound is set by the HDDs" bash -c "[[ '$b1' == *'(HDDs)' && '$b2' == *'(HDDs)' ]]"
m1=$(row 'jit makespan (simulated)' 1) m2=$(row 'jit makespan (simulated)' 2)
check "racks: jit no faster than its storm-free bound ($m1 vs $b1)" test "${m1%% *}" -ge "${b1%% *}"
check "racks: idle VM-minutes grow with the rack" test "$(row 'idle VM-minutes' 2)" -gt "$(row 'idle VM-minutes' 1)"
check "racks: idle energy at 30 W a desktop (8.54 kWh = 17071 VM-min x 30 W)" \
  bash -c "[[ '$(row 'idle energy' 1)' == *' kWh' && '$(row 'idle energy' 2)' == *' kWh' ]]"
check "racks: a morning met needs no upgrade" test "$(row 'cheapest upgrade' 2)" = "none needed (the morning is met)"

check_done

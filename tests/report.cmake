# vdistorm report: the HTML page in a headless browser, its figures, gnuplot
# missing or failing, bad --plan/--sweep input, SIGINT, --compare
# (tests/report.sh; SKIP without gnuplot).
add_test(NAME report COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/report.sh $<TARGET_FILE:vdistorm> ${PROJECT_SOURCE_DIR})
set_tests_properties(report PROPERTIES TIMEOUT 600 SKIP_RETURN_CODE 77)

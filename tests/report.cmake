# vdistorm report: the HTML page in a headless browser, its figures, gnuplot
# missing or failing, bad --plan/--sweep input, SIGINT, --compare
# (tests/report.sh; SKIP without gnuplot; ~6 min under ASan on a busy 2-core machine).
add_test(NAME report COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/report.sh $<TARGET_FILE:vdistorm> ${PROJECT_SOURCE_DIR})
set_tests_properties(report PROPERTIES TIMEOUT 900 SKIP_RETURN_CODE 77)

# Its building blocks without a simulation (escaping, base64, the Gaussian
# filter, the sweep.csv reader).
add_executable(test_html ${CMAKE_CURRENT_SOURCE_DIR}/test_html.c)
target_include_directories(test_html PRIVATE ${CMAKE_CURRENT_SOURCE_DIR})
target_link_libraries(test_html PRIVATE vsreport m)
add_test(NAME report_html COMMAND test_html ${CMAKE_CURRENT_SOURCE_DIR}/report)
set_tests_properties(report_html PROPERTIES TIMEOUT 60)

# The house tests (the architecture issue): core utilities, plan validation
# and schedule CSVs, the studies called directly, calibration and plots.
set(VS_HOUSE_DIR ${CMAKE_CURRENT_SOURCE_DIR})

add_executable(test_core ${VS_HOUSE_DIR}/test_core.c)
target_include_directories(test_core PRIVATE ${VS_HOUSE_DIR})
target_link_libraries(test_core PRIVATE vscore)
add_test(NAME core COMMAND test_core)
set_tests_properties(core PROPERTIES TIMEOUT 60)

add_executable(test_plan ${VS_HOUSE_DIR}/test_plan.c)
target_include_directories(test_plan PRIVATE ${VS_HOUSE_DIR})
target_link_libraries(test_plan PRIVATE vsplan)
add_test(NAME plan COMMAND test_plan ${PROJECT_SOURCE_DIR}/scenarios)
set_tests_properties(plan PROPERTIES TIMEOUT 60)

# The studies called directly (one simulation session in the test process).
add_executable(test_study ${VS_HOUSE_DIR}/test_study.c)
target_include_directories(test_study PRIVATE ${VS_HOUSE_DIR})
target_link_libraries(test_study PRIVATE vsstudy vssim vsreport PkgConfig::CJSON)
add_test(NAME study COMMAND test_study ${PROJECT_SOURCE_DIR}/scenarios)
set_tests_properties(study PROPERTIES TIMEOUT 120)

# Calibration: the child simulations run the vdistorm binary (see the test).
add_executable(test_calibrate ${VS_HOUSE_DIR}/test_calibrate.c)
target_include_directories(test_calibrate PRIVATE ${VS_HOUSE_DIR})
target_link_libraries(test_calibrate PRIVATE vsstudy PkgConfig::CJSON m)
add_test(NAME calibrate_fit COMMAND test_calibrate $<TARGET_FILE:vdistorm> ${VS_HOUSE_DIR}/house)
set_tests_properties(calibrate_fit PROPERTIES TIMEOUT 300)

# Plots through the binary (SKIP when gnuplot is not installed).
add_executable(test_plot ${VS_HOUSE_DIR}/test_plot.c)
target_include_directories(test_plot PRIVATE ${VS_HOUSE_DIR})
target_link_libraries(test_plot PRIVATE PkgConfig::CJSON m)
add_test(NAME plot COMMAND test_plot $<TARGET_FILE:vdistorm> ${PROJECT_SOURCE_DIR}/scenarios)
set_tests_properties(plot PROPERTIES TIMEOUT 120 SKIP_RETURN_CODE 77)

# Forecaster tests (issue 4): the synthetic data set and its CSV input
# (models/demand/dataset.c, usage.c) and the XGBoost forecaster (forecast.c),
# through the library and the vdistorm binary (JSON, one-line errors, exit codes).
add_executable(test_dataset ${CMAKE_CURRENT_SOURCE_DIR}/test_dataset.c)
target_include_directories(test_dataset PRIVATE ${CMAKE_CURRENT_SOURCE_DIR})
target_link_libraries(test_dataset PRIVATE vsdemand)
add_test(NAME dataset COMMAND test_dataset)

add_executable(test_forecast ${CMAKE_CURRENT_SOURCE_DIR}/test_forecast.c)
target_include_directories(test_forecast PRIVATE ${CMAKE_CURRENT_SOURCE_DIR})
target_link_libraries(test_forecast PRIVATE vsdemand PkgConfig::CJSON m)
add_test(NAME forecast COMMAND test_forecast $<TARGET_FILE:vdistorm> ${PROJECT_SOURCE_DIR})
# XGBoost runs 2 threads (nthread is set explicitly); tell CTest so that a
# parallel ctest -j does not oversubscribe the machine. libgomp's default
# barrier spins: with another busy process on this 2-core machine the suite
# went from 1.6 s to 74 s; passive waiting kept it at 9 s (same results).
set_tests_properties(forecast PROPERTIES PROCESSORS 2 TIMEOUT 120 ENVIRONMENT "OMP_WAIT_POLICY=passive")

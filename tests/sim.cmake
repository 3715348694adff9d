# Simulator and CLI tests. SimGrid runs once per process, so these drive the
# vdistorm binary and read its JSON contract.
set(VS_TEST_INC ${CMAKE_CURRENT_SOURCE_DIR})
set(VS_SCENARIOS ${PROJECT_SOURCE_DIR}/scenarios)

add_executable(test_paper ${CMAKE_CURRENT_SOURCE_DIR}/test_paper.c)
target_include_directories(test_paper PRIVATE ${VS_TEST_INC})
target_link_libraries(test_paper PRIVATE PkgConfig::CJSON m)
add_test(NAME paper_figures COMMAND test_paper $<TARGET_FILE:vdistorm> ${VS_SCENARIOS})

add_executable(test_threshold ${CMAKE_CURRENT_SOURCE_DIR}/test_threshold.c)
target_include_directories(test_threshold PRIVATE ${VS_TEST_INC})
target_link_libraries(test_threshold PRIVATE vsplan)
add_test(NAME threshold_search COMMAND test_threshold ${VS_SCENARIOS})

add_executable(test_cli ${CMAKE_CURRENT_SOURCE_DIR}/test_cli.c)
target_include_directories(test_cli PRIVATE ${VS_TEST_INC})
target_link_libraries(test_cli PRIVATE PkgConfig::CJSON m)
add_test(NAME cli COMMAND test_cli $<TARGET_FILE:vdistorm> ${PROJECT_SOURCE_DIR})

# The image pool (vdistorm pool): pool vs on-demand creation latency, bursts
# beyond the pool, background copies during the morning, the size search,
# bad input and SIGINT.
add_executable(test_pool ${CMAKE_CURRENT_SOURCE_DIR}/test_pool.c)
target_include_directories(test_pool PRIVATE ${CMAKE_CURRENT_SOURCE_DIR})
target_link_libraries(test_pool PRIVATE PkgConfig::CJSON m)
add_test(NAME pool COMMAND test_pool $<TARGET_FILE:vdistorm> ${PROJECT_SOURCE_DIR})
set_tests_properties(pool PROPERTIES TIMEOUT 900)

# models/plan/pool.c alone: statistics, traffic, the size search.
add_executable(test_pool_plan ${CMAKE_CURRENT_SOURCE_DIR}/test_pool_plan.c)
target_include_directories(test_pool_plan PRIVATE ${CMAKE_CURRENT_SOURCE_DIR})
target_link_libraries(test_pool_plan PRIVATE vsplan m)
add_test(NAME pool_plan COMMAND test_pool_plan)

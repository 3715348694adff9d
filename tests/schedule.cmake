# Schedules: the schedulers on a known capacity, and the issue's targets
# through the CLI; the regression gate itself runs as a test too (CI).
add_executable(test_sched ${CMAKE_CURRENT_SOURCE_DIR}/test_sched.c)
target_include_directories(test_sched PRIVATE ${CMAKE_CURRENT_SOURCE_DIR})
target_link_libraries(test_sched PRIVATE vsplan)
add_test(NAME schedulers COMMAND test_sched ${PROJECT_SOURCE_DIR}/scenarios)

add_executable(test_schedule_cli ${CMAKE_CURRENT_SOURCE_DIR}/test_schedule_cli.c)
target_include_directories(test_schedule_cli PRIVATE ${CMAKE_CURRENT_SOURCE_DIR})
target_link_libraries(test_schedule_cli PRIVATE PkgConfig::CJSON m)
add_test(NAME schedule_targets COMMAND test_schedule_cli $<TARGET_FILE:vdistorm> ${PROJECT_SOURCE_DIR})

add_test(NAME regress COMMAND vdistorm regress WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})

# The model answers hardware questions: CPU contention, bounds, CSV round
# trips, regress gates, desktop classes, repeats (through the vdistorm binary).
add_executable(test_model ${CMAKE_CURRENT_SOURCE_DIR}/test_model.c)
target_include_directories(test_model PRIVATE ${CMAKE_CURRENT_SOURCE_DIR})
target_link_libraries(test_model PRIVATE PkgConfig::CJSON m)
add_test(NAME model_targets COMMAND test_model $<TARGET_FILE:vdistorm> ${PROJECT_SOURCE_DIR})
set_tests_properties(model_targets PROPERTIES TIMEOUT 1800)
# Storms that operations cause: HA restarts (vdistorm failover) and DPM.
add_executable(test_ops ${CMAKE_CURRENT_SOURCE_DIR}/test_ops.c)
target_include_directories(test_ops PRIVATE ${CMAKE_CURRENT_SOURCE_DIR})
target_link_libraries(test_ops PRIVATE PkgConfig::CJSON m)
add_test(NAME ops_failover_dpm COMMAND test_ops $<TARGET_FILE:vdistorm> ${PROJECT_SOURCE_DIR})
set_tests_properties(ops_failover_dpm PROPERTIES TIMEOUT 900)
# Storage what-ifs: a host read cache of the golden image, an SSD replica tier.
add_executable(test_tiers ${CMAKE_CURRENT_SOURCE_DIR}/test_tiers.c)
target_include_directories(test_tiers PRIVATE ${CMAKE_CURRENT_SOURCE_DIR})
target_link_libraries(test_tiers PRIVATE PkgConfig::CJSON m)
add_test(NAME storage_tiers COMMAND test_tiers $<TARGET_FILE:vdistorm> ${PROJECT_SOURCE_DIR})
set_tests_properties(storage_tiers PROPERTIES TIMEOUT 900)

# Unit tests of models/calendar.c (civil dates, Korean lunisolar calendar,
# South Korean public holidays).
add_executable(test_calendar ${CMAKE_CURRENT_SOURCE_DIR}/test_calendar.c)
target_include_directories(test_calendar PRIVATE ${CMAKE_CURRENT_SOURCE_DIR})
target_link_libraries(test_calendar PRIVATE vsdemand)
add_test(NAME calendar COMMAND test_calendar)

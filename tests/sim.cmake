# simulator + CLI tests

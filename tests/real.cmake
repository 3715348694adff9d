# live backend tests (issue 5)

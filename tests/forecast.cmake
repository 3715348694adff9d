# forecaster tests (issue 4)

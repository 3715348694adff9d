# schedule tests

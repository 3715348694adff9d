# calendar tests

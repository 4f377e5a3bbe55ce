"""Commands that are not steps of the build: the benchmark, the survey demo generator, the data dictionary writer."""

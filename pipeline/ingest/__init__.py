"""Reading and validating the raw files: the first stage."""

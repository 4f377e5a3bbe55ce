"""Running notebooks, rendering, publishing, provenance, verification and the build cache."""

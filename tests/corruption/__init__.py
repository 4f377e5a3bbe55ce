"""The corpus of corrupted inputs (``cases.py``) that ``tests/test_corruption.py`` feeds to the build."""

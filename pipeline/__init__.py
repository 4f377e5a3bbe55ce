"""Reproducible pipeline for Stockholm city's report on social workers' working conditions.

Researchers start a notebook with::

    import pipeline
    turnover = pipeline.load("turnover")
"""
from pipeline.process.datasets import load

__all__ = ["load"]

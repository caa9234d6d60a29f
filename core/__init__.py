"""LSTM Forecaster's engine: reading CSVs, windowing, models, training, evaluation.

This package never imports Qt; the GUI and the CLI are thin faces over it.
"""

__version__ = "0.1.0"

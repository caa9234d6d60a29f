"""LSTM Forecaster's engine: reading CSVs, windowing, models, training, evaluation.

This package never imports Qt; the GUI (`gui/`) and the CLI (`cli/`) are thin faces over it.
The folders follow the pipeline, each importing only the stages before it:

    settings/    ForecastConfig: every setting declared once (drives validation, CLI, form)
    data/        read_csv: CSV -> clean chronological table + import report
    prep/        split rows, windows (views, never N x T x F copies), scalers, season, time index
    model/       network (+ linear highway, ensemble of seeds), training loop, predictor, bundle
    evaluation/  metrics (RMSE, MAE, MAPE, R², MASE) and baselines (naive, seasonal naive, Ridge)
    outputs/     CSV exports and plots
    pipeline.py  plan_run (settings against the data) -> run_experiment (train, score, refit, forecast)
    apply.py     a saved model applied to new data
    backtest.py  rolling-origin backtest over the end of the series (runs the pipeline per fold)
    search/      settings search with Optuna: space from the settings table, hard budget, workers
    files.py     atomic writes, checksums, the app's data folder
"""

__version__ = "0.1.0"

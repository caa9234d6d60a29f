"""LSTM Forecaster's engine: reading CSVs, windowing, models, training, evaluation.

This package never imports Qt; the GUI (`gui/`) and the CLI (`cli/`) are thin faces over it.
The folders follow the pipeline, each importing only the stages before it:

    settings/    ForecastConfig: every setting declared once (drives validation, CLI, form)
    data/        read_table(path, ReadOptions): a CSV (read_csv: options -> source -> dialect/header/numbers
                 -> ReadPlan) or a workbook sheet (read_workbook: checks -> calamine grid -> ReadPlan)
                 -> load -> cleaning, timeline, filling; a clean chronological table + import report
    prep/        split rows, windows (views, never N x T x F copies), scalers, season, time index
    model/       network (+ linear highway, ensemble of seeds), training loop, predictor, bundle/
    evaluation/  metrics (RMSE, MAE, MAPE, R², MASE), baselines (naive, seasonal naive, Ridge), intervals
    outputs/     CSV exports, plots, run folders
    pipeline/    plan_run (settings against the data) -> run_experiment, as named stages (recipe.py)
    apply.py     a saved model applied to new data
    backtest.py  rolling-origin backtest over the end of the series (reuses the pipeline's stages)
    search/      settings search with Optuna: space from the settings table, hard budget, workers
    vocabulary.py  statuses and trial states as codes with their words; runtime.py  cores and threads
    files.py     atomic writes, checksums, crash logs, the app's data folder
"""

__version__ = "0.1.0"

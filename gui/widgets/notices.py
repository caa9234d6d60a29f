"""The looks of a verdict sentence, shared by the Results and Backtest tabs: a warning (the model
loses to a baseline) and a confirmation (it wins)."""

WARNING_STYLE = ("background: #fff4e5; color: #8a4b00; border: 1px solid #f5c27a; padding: 6px; "
                 "border-radius: 4px;")
VERDICT_STYLE = ("background: #ebfbee; color: #1b5e20; border: 1px solid #8ce99a; padding: 6px; "
                 "border-radius: 4px;")

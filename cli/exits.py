"""The command line's exit codes: the contract scripts rely on.

0 done; 1 a bug (the traceback goes to a log file, whose path is printed); 2 bad input or usage
(one line on stderr naming what is wrong); 130 interrupted (Ctrl+C), as shells report SIGINT.
A module of its own so that the commands and `main` share them without importing each other.
"""

from __future__ import annotations

EXIT_OK = 0
EXIT_UNEXPECTED = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130

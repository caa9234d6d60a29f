"""Error types the engine raises for problems a user can fix.

Every message is one readable line that names the file, column or value at fault;
the CLI prints it and exits 2, the GUI shows it in a dialog. Anything else that
escapes the engine is a bug and is logged with its traceback.
"""


class ForecasterError(Exception):
    """Base class: a problem with the user's input, not a bug."""


class DataError(ForecasterError):
    """The CSV can't be read or doesn't hold what the run needs."""


class ConfigError(ForecasterError):
    """A setting, or a combination of settings, can't work with this data."""


class BundleError(ForecasterError):
    """A saved model can't be loaded: missing, corrupt, or from a newer version."""


class OutputError(ForecasterError, OSError):
    """An output can't be written: no space, no permission, or it would replace an input.

    Also an OSError, so code that handles failed writes as OS errors keeps doing so.
    """

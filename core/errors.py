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


class DamagedValue(BundleError, ValueError):
    """A value read from a saved model that can't be right. The message is a translated phrase (the
    reason); the loader puts it into a sentence naming the file. A ValueError too, as before."""


class NoFutureLabels(DataError, ValueError):
    """No labels can follow the last row (irregular dates, dates past what can be held). The message
    is a translated phrase for a sentence around it; a ValueError too, as callers catch."""


class ProjectError(ForecasterError):
    """A project file (.lstmproj) can't be opened: missing, damaged, crafted, or from a newer version."""

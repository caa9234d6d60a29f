"""How a setting is declared once and what every face derives from the declaration.

Each field of `ForecastConfig` is declared with `setting(...)`: its default plus everything
the faces need (range or choices, what "auto" means, group, label, help, CLI flag, whether a
search may tune it, display hints). The field's annotation gives its type (`int | None`
means None is allowed and stands for "auto"). `settings_of(ForecastConfig)` turns the
declarations into `Setting` rows; validation, the CLI parser, the settings form and the
persisted last-used settings loop over those rows, so a new setting is one declaration.
"""

from __future__ import annotations

import dataclasses
import math
import types
import typing
from dataclasses import dataclass
from typing import Any, TypeVar

from core.errors import ConfigError
from core.i18n import N_, _

T = TypeVar("T")

# The order the form shows its boxes in; titles are what the user reads.
# The texts of a declaration (label, help, title, auto, auto_text, special, message, the choices'
# texts) are English; tools/catalog.py extracts them from the `setting(...)` calls, and the faces
# show them through `_()` (or the `shown_*` helpers below) so they follow the chosen language.
GROUPS: dict[str, str] = {
    "data": N_("Data"),
    "windows": N_("Windows"),
    "split": N_("Split"),
    "scaling": N_("Scaling"),
    "model": N_("Network"),
    "training": N_("Training"),
    "forecast": N_("Forecast"),
}

class _Required:
    def __repr__(self) -> str:
        return "REQUIRED"


REQUIRED: Any = _Required()  # the default of a setting that has none (the target column)
_METADATA_KEY = "setting"


@dataclass(frozen=True)
class Setting:
    """One setting as declared; `name`, `kind`, `optional` and `default` come from the field."""

    group: str
    label: str  # the form's row label
    help: str  # the tooltip, and the CLI's help
    name: str = ""
    kind: type = object  # int, float, str, bool or tuple (of column names)
    optional: bool = False  # None allowed: it means `auto`
    default: Any = REQUIRED
    title: str = ""  # the noun in error messages when the label doesn't read as one
    low: float | None = None
    high: float | None = None
    low_open: bool = False  # low itself is not allowed
    high_open: bool = False
    choices: tuple[tuple[str, str], ...] = ()  # (value, what the form shows)
    auto: str = ""  # what None means, e.g. "from the season"
    cli: str | None = None  # the `train` flag, e.g. "--hidden"; None: not on the command line
    searchable: bool = False  # a hyperparameter search may tune it
    # where a search looks (numbers): (low, high) inside the valid range, and whether on a log scale;
    # None: the valid range itself (which must then be finite)
    search_range: tuple[float, float] | None = None
    search_log: bool = False
    in_form: bool = True
    message: str = ""  # a hand-written message for any bad value, with {value}
    # display hints for the form
    auto_text: str = N_("auto")  # shown in a spin box at "auto"
    special: str = ""  # what the lowest value means, e.g. "full batch" for a batch size of 0
    widget_range: tuple[float, float] | None = None  # narrower than the valid range, or a cap
    decimals: int = 2
    step: float = 1.0
    percent: bool = False  # a fraction shown as a whole percent
    object_name: str = ""  # the widget's objectName when not derived from the name
    # settings this one excludes when it is set (not None): an optional one set too is refused with
    # `exclusive_message`; one that always has a value is overridden (neither checked nor used).
    # Read by validate_declared and by the CLI, which refuses such flags together.
    exclusive_with: tuple[str, ...] = ()
    exclusive_message: str = ""
    cli_negates: bool = False  # the flag sets False (`--sliding` for `expanding`)

    @property
    def required(self) -> bool:
        return self.default is REQUIRED

    @property
    def noun(self) -> str:
        """The setting's name in a message, translated."""
        return _(self.title or self.label)

    def choice_text(self, value: str) -> str:
        """What the form shows for one of the choices, translated."""
        return _(dict(self.choices).get(value, value))

    @property
    def values(self) -> tuple[str, ...]:
        return tuple(value for value, _ in self.choices)

    def problem(self, value: Any) -> str | None:
        """A readable sentence saying what is wrong with `value`, or None when it is valid."""
        problem = self._problem(value)
        if problem is not None and self.message:
            return _(self.message).format(value=value)
        return problem

    def _problem(self, value: Any) -> str | None:
        if value is None:
            return None if self.optional else _("{noun} must be set.").format(noun=self.noun)
        if self.kind is bool:
            return None if isinstance(value, bool) else _("{noun} must be true or false (got {value!r}).").format(
                noun=self.noun, value=value)
        if self.choices:
            if value in self.values:
                return None
            return _("{noun} must be one of {choices} (got {value!r}).").format(
                noun=self.noun, choices=", ".join(self.values), value=value)
        if self.kind is str:
            if isinstance(value, str) and value != "":
                return None
            return _("{noun} must be a name (got {value!r}).").format(noun=self.noun, value=value)
        if self.kind is tuple:
            ok = isinstance(value, tuple) and all(isinstance(v, str) and v != "" for v in value)
            return None if ok else _("{noun} must be names (got {value!r}).").format(noun=self.noun, value=value)
        if self.kind is int and not (isinstance(value, int) and not isinstance(value, bool)):
            return _("{noun} must be a whole number (got {value!r}).").format(noun=self.noun, value=value)
        if self.kind is float and not (isinstance(value, (int, float)) and not isinstance(value, bool)
                                       and math.isfinite(value)):
            return _("{noun} must be a number (got {value!r}).").format(noun=self.noun, value=value)
        return None if self.in_range(value) else self.range_message(value)

    def in_range(self, value: float) -> bool:
        if self.low is not None and (value < self.low or (self.low_open and value == self.low)):
            return False
        return not (self.high is not None and (value > self.high or (self.high_open and value == self.high)))

    def range_message(self, value: Any) -> str:
        """Whole sentences (one per shape of range) so a translation catalog can hold them."""
        low = _number_text(self.low)
        low = f"{low} ({_(self.special)})" if self.special else low
        high = _number_text(self.high)
        if self.high is None:
            if self.low_open:
                message = _("{noun} must be above {low} (got {value}).")
            elif self.special:
                message = _("{noun} must be {low} or more (got {value}).")
            else:
                message = _("{noun} must be at least {low} (got {value}).")
        elif self.low is None:
            message = (_("{noun} must be below {high} (got {value}).") if self.high_open
                       else _("{noun} must be at most {high} (got {value})."))
        elif self.low_open and self.high_open:
            message = _("{noun} must be above {low} and below {high} (got {value}).")
        elif self.high_open:
            message = _("{noun} must be at least {low} and below {high} (got {value}).")
        elif self.low_open:
            message = _("{noun} must be above {low} and at most {high} (got {value}).")
        else:
            message = _("{noun} must be between {low} and {high} (got {value}).")
        return message.format(noun=self.noun, low=low, high=high, value=value)

    def from_text(self, text: str) -> Any:
        """The value written as text (command line, INI file); ValueError names what was expected."""
        if self.optional and text.strip().lower() in ("", "auto", "none"):
            return None
        if self.kind is bool:
            lowered = text.strip().lower()
            if lowered in ("true", "1", "yes", "on"):
                return True
            if lowered in ("false", "0", "no", "off"):
                return False
            raise ValueError(_("expected true or false, got {text!r}").format(text=text))
        if self.kind is int:
            try:
                return int(text)
            except ValueError:
                raise ValueError(_("expected a whole number, got {text!r}").format(text=text)) from None
        if self.kind is float:
            try:
                return float(text)
            except ValueError:
                raise ValueError(_("expected a number, got {text!r}").format(text=text)) from None
        if self.kind is tuple:
            return tuple(part.strip() for part in text.split(",") if part.strip())
        return text


def _number_text(value: float | None) -> str:
    if value is None:
        return ""
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def setting(default: T, group: str, label: str, help: str, **details: Any) -> T:
    """Declares a dataclass field with its default and its `Setting` (see `Setting` for details).

    Typed as returning the default so type checkers see `hidden: int = setting(32, ...)` as an int.
    A `factory=True` detail makes `default` a function called for each new instance (a default
    that depends on the machine, such as the number of search workers).
    """
    factory = details.pop("factory", False)
    declared = Setting(group=group, label=label, help=help, **details)
    if factory:
        return typing.cast(T, dataclasses.field(default_factory=default, metadata={_METADATA_KEY: declared}))
    return typing.cast(T, dataclasses.field(default=default, metadata={_METADATA_KEY: declared}))


def required_setting(group: str, label: str, help: str, **details: Any) -> Any:
    """A setting without a default (the target column)."""
    declared = Setting(group=group, label=label, help=help, **details)
    return dataclasses.field(metadata={_METADATA_KEY: declared})


def _kind(hint: Any) -> tuple[type, bool]:
    """(base type, None allowed) of an annotation such as `int`, `int | None`, `tuple[str, ...]`."""
    args = typing.get_args(hint)
    if isinstance(hint, types.UnionType) or typing.get_origin(hint) is typing.Union:
        others = [a for a in args if a is not type(None)]
        base, _optional = _kind(others[0])
        return base, len(others) < len(args)
    origin = typing.get_origin(hint)
    return (origin or hint), False


def settings_of(cls: type) -> tuple[Setting, ...]:
    """The declared settings of a dataclass, in field order, with name/type/default filled in."""
    hints = typing.get_type_hints(cls)
    rows = []
    for field in dataclasses.fields(cls):
        declared = field.metadata.get(_METADATA_KEY)
        if declared is None:
            continue
        kind, optional = _kind(hints[field.name])
        if field.default is not dataclasses.MISSING:
            default = field.default
        elif field.default_factory is not dataclasses.MISSING:
            default = field.default_factory()
        else:
            default = REQUIRED
        rows.append(dataclasses.replace(declared, name=field.name, kind=kind, optional=optional,
                                        default=default))
    return tuple(rows)


def overridden(obj: Any, rows: tuple[Setting, ...]) -> set[str]:
    """The settings of `obj` that another one, set, overrides (`exclusive_with` of one that always has
    a value): a test size in rows overrides the test fraction."""
    by_name = {s.name: s for s in rows}
    return {other for s in rows if s.exclusive_with and getattr(obj, s.name) is not None
            for other in s.exclusive_with if not by_name[other].optional}


def exclusions(rows: tuple[Setting, ...]) -> list[tuple[str, str, str]]:
    """(name, other, message) for each pair of optional settings that can't both be set."""
    by_name = {s.name: s for s in rows}
    return [(s.name, other, s.exclusive_message) for s in rows for other in s.exclusive_with
            if by_name[other].optional]


def validate_declared(obj: Any, rows: tuple[Setting, ...] | None = None,
                      error: type[Exception] = ConfigError) -> None:
    """Checks each declared setting of `obj` (a dataclass declared with `setting(...)`), then the
    exclusions between settings; raises `error` with the first problem's sentence."""
    rows = settings_of(type(obj)) if rows is None else rows
    skipped = overridden(obj, rows)
    for s in rows:
        if s.name in skipped:
            continue
        problem = s.problem(getattr(obj, s.name))
        if problem is not None:
            raise error(problem)
    for name, other, message in exclusions(rows):
        if getattr(obj, name) is not None and getattr(obj, other) is not None:
            raise error(_(message))

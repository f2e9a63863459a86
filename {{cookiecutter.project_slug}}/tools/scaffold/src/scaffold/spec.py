"""What the command line asks for: an entity and its fields, checked before anything is written."""

import keyword
import re
from dataclasses import dataclass, replace

NAME = re.compile(r"[a-z][a-z0-9]*(?:_[a-z0-9]+)*")
# Long enough for a real name, short enough that every derived index name fits PostgreSQL's 63.
MAX_NAME_LENGTH = 24
DEFAULT_STR_LENGTH = 255
MAX_STR_LENGTH = 10_000
DEFAULT_DECIMAL = (12, 2)
INT_MIN, INT_MAX = -(2**31), 2**31 - 1

TYPES = (
    "str",
    "text",
    "int",
    "float",
    "decimal",
    "bool",
    "date",
    "datetime",
    "uuid",
    "enum",
    "ref",
)
# A default is a literal the API fills in; dates, times and ids have no sensible constant one.
DEFAULTABLE = frozenset({"str", "text", "int", "float", "decimal", "bool", "enum"})
# Kinds whose values can differ row after row (a few values, or a day, would soon collide).
UNIQUABLE = frozenset({"str", "text", "int", "uuid", "ref"})
FLAGS = frozenset({"unique", "index"})

# PostgreSQL's reserved key words (its documentation, appendix "SQL Key Words").
SQL_RESERVED = frozenset(
    [
        "all",
        "analyse",
        "analyze",
        "and",
        "any",
        "array",
        "as",
        "asc",
        "asymmetric",
        "authorization",
        "binary",
        "both",
        "case",
        "cast",
        "check",
        "collate",
        "collation",
        "column",
        "concurrently",
        "constraint",
        "create",
        "cross",
        "current_catalog",
        "current_date",
        "current_role",
        "current_schema",
        "current_time",
        "current_timestamp",
        "current_user",
        "default",
        "deferrable",
        "desc",
        "distinct",
        "do",
        "else",
        "end",
        "except",
        "false",
        "fetch",
        "for",
        "foreign",
        "freeze",
        "from",
        "full",
        "grant",
        "group",
        "having",
        "ilike",
        "in",
        "initially",
        "inner",
        "intersect",
        "into",
        "is",
        "isnull",
        "join",
        "lateral",
        "leading",
        "left",
        "like",
        "limit",
        "localtime",
        "localtimestamp",
        "natural",
        "not",
        "notnull",
        "null",
        "offset",
        "on",
        "only",
        "or",
        "order",
        "outer",
        "overlaps",
        "placing",
        "primary",
        "references",
        "returning",
        "right",
        "select",
        "session_user",
        "similar",
        "some",
        "symmetric",
        "system_user",
        "table",
        "tablesample",
        "then",
        "to",
        "trailing",
        "true",
        "union",
        "unique",
        "user",
        "using",
        "variadic",
        "verbose",
        "when",
        "where",
        "window",
        "with",
    ]
)
# Names the generated code already uses around an entity: a clash would shadow or mislead.
RESERVED_ENTITIES = frozenset(
    {"base", "common", "problem", "page", "params", "data", "meta", "me", "session", "database"}
    | {"settings", "config", "api", "app", "deps", "routes", "tests", "conftest", "factories"}
    | {"main", "errors", "models", "schemas", "services", "repositories", "openapi", "v1"}
)
RESERVED_FIELDS = frozenset(
    {"id", "owner_id", "created_at", "changes", "page", "self", "cls", "fields", "schema"}
    | {"json", "dict", "copy", "validate", "construct"}
)


class SpecError(ValueError):
    """The command line asks for something the scaffold refuses; the message is one line."""


@dataclass(frozen=True)
class FieldSpec:
    """One field as asked for: `name:type[:argument][:unique|:index][?][=default]`."""

    name: str
    kind: str
    length: int | None = None
    precision: tuple[int, int] | None = None
    choices: tuple[str, ...] = ()
    target: str | None = None
    optional: bool = False
    default: str | None = None
    unique: bool = False
    index: bool = False

    @property
    def column(self) -> str:
        """The column and attribute name: a reference `client` is stored as `client_id`."""
        return f"{self.name}_id" if self.kind == "ref" else self.name

    @property
    def required(self) -> bool:
        """Whether a new row must name a value (not optional, no default)."""
        return not self.optional and self.default is None


def check_name(name: str, what: str) -> None:
    """Refuse a name that is not snake_case, too long, or a Python or SQL reserved word."""
    if not NAME.fullmatch(name):
        msg = f"{what} {name!r} must be snake_case: lowercase letters, digits and single '_'"
        raise SpecError(msg)
    if len(name) > MAX_NAME_LENGTH:
        msg = f"{what} {name!r} is longer than {MAX_NAME_LENGTH} characters"
        raise SpecError(msg)
    if keyword.iskeyword(name) or keyword.issoftkeyword(name):
        msg = f"{what} {name!r} is a Python keyword"
        raise SpecError(msg)
    if name in SQL_RESERVED:
        msg = f"{what} {name!r} is a reserved word in PostgreSQL"
        raise SpecError(msg)


def plural_of(name: str) -> str:
    """Return the English plural of a snake_case noun (its last word): category -> categories."""
    if re.search(r"[^aeiou]y$", name):
        return name[:-1] + "ies"
    if re.search(r"(s|x|z|ch|sh)$", name):
        return name + "es"
    return name + "s"


def class_name(name: str) -> str:
    """Return the class name of a snake_case entity: line_item -> LineItem."""
    return "".join(part.capitalize() for part in name.split("_"))


def parse_field(text: str) -> FieldSpec:
    """Parse one field argument, refusing anything unclear in one line."""
    spec, _, default = text.partition("=")
    has_default = "=" in text
    segments = spec.split(":")
    optional = False
    cleaned = []
    for segment in segments:
        optional = optional or segment.endswith("?")
        cleaned.append(segment.removesuffix("?"))
    if len(cleaned) < 2 or not all(cleaned):
        msg = f"field {text!r} must read name:type (for example title:str:120 or done:bool=false)"
        raise SpecError(msg)
    name, kind, *rest = cleaned
    check_name(name, "field")
    if name in RESERVED_FIELDS or name.startswith("model_"):
        msg = f"field {name!r} is a name the generated code already uses"
        raise SpecError(msg)
    if kind not in TYPES:
        msg = f"field {name!r}: unknown type {kind!r} (known: {', '.join(TYPES)})"
        raise SpecError(msg)
    flags = {segment for segment in rest if segment in FLAGS}
    arguments = [segment for segment in rest if segment not in FLAGS]
    field = FieldSpec(
        name=name, kind=kind, optional=optional, unique="unique" in flags, index="index" in flags
    )
    return with_default(with_argument(field, arguments), default if has_default else None)


def with_argument(field: FieldSpec, arguments: list[str]) -> FieldSpec:
    """Read the argument a type takes (a length, a precision, choices, a target)."""
    name, kind = field.name, field.kind
    if len(arguments) > 1 or (arguments and kind not in {"str", "decimal", "enum", "ref"}):
        msg = f"field {name!r}: unexpected {':'.join(arguments)!r} after {kind}"
        raise SpecError(msg)
    argument = arguments[0] if arguments else None
    if kind == "str":
        return replace(field, length=str_length(name, argument))
    if kind == "decimal":
        return replace(field, precision=decimal_precision(name, argument))
    if kind == "enum":
        return replace(field, choices=enum_choices(name, argument))
    if kind == "ref":
        if argument is None or not NAME.fullmatch(argument):
            msg = f"field {name!r}: a reference names an entity (for example client:ref:client)"
            raise SpecError(msg)
        return replace(field, target=argument)
    return field


def str_length(name: str, argument: str | None) -> int:
    """Return a str field's maximum length (255 unless given)."""
    if argument is None:
        return DEFAULT_STR_LENGTH
    if not argument.isdigit() or not 1 <= int(argument) <= MAX_STR_LENGTH:
        msg = f"field {name!r}: the length of a str is a number from 1 to {MAX_STR_LENGTH}"
        raise SpecError(msg)
    return int(argument)


def decimal_precision(name: str, argument: str | None) -> tuple[int, int]:
    """Return a decimal's (digits, decimal places): 12,2 unless given."""
    if argument is None:
        return DEFAULT_DECIMAL
    found = re.fullmatch(r"(\d+),(\d+)", argument)
    if found is None or not 0 <= int(found[2]) < int(found[1]) <= 38:
        msg = f"field {name!r}: a decimal's precision reads digits,places (12,2; places < digits)"
        raise SpecError(msg)
    return int(found[1]), int(found[2])


def enum_choices(name: str, argument: str | None) -> tuple[str, ...]:
    """Return an enum's values, each a snake_case word."""
    choices = tuple((argument or "").split(","))
    if not argument or not all(NAME.fullmatch(choice) for choice in choices):
        msg = f"field {name!r}: an enum lists its values, snake_case (enum:draft,active,done)"
        raise SpecError(msg)
    if len(set(choices)) != len(choices):
        msg = f"field {name!r}: an enum's values must differ"
        raise SpecError(msg)
    return choices


def with_default(field: FieldSpec, default: str | None) -> FieldSpec:
    """Check the field's flags and default, and return it with the default as Python source."""
    if field.unique and field.kind not in UNIQUABLE:
        msg = f"field {field.name!r}: a {field.kind} cannot be unique"
        raise SpecError(msg)
    if field.unique and field.index:
        msg = f"field {field.name!r}: unique already indexes it; drop :index"
        raise SpecError(msg)
    if default is None:
        return field
    if field.kind not in DEFAULTABLE:
        msg = f"field {field.name!r}: a {field.kind} takes no default (make it optional with ?)"
        raise SpecError(msg)
    if field.unique:
        msg = f"field {field.name!r}: a unique field cannot have a default"
        raise SpecError(msg)
    return replace(field, default=default_source(field, default))


def default_source(field: FieldSpec, value: str) -> str:
    """Return the default as a Python literal, refusing one the field would refuse."""
    bad = f"field {field.name!r}: {value!r} is not a valid {field.kind} default"
    if field.kind == "bool":
        if value not in {"true", "false"}:
            raise SpecError(bad)
        return "True" if value == "true" else "False"
    if field.kind == "int":
        if not re.fullmatch(r"-?\d+", value) or not INT_MIN <= int(value) <= INT_MAX:
            raise SpecError(bad)
        return str(int(value))
    if field.kind == "float":
        if not re.fullmatch(r"-?\d+(\.\d+)?", value):
            raise SpecError(bad)
        return repr(float(value))
    if field.kind == "decimal":
        return decimal_default(field, value, bad)
    if field.kind == "enum" and value not in field.choices:
        raise SpecError(bad)
    too_long = field.length is not None and len(value) > field.length
    if too_long or "\x00" in value or (not value and not field.optional):
        raise SpecError(bad)
    return repr(value)


def decimal_default(field: FieldSpec, value: str, bad: str) -> str:
    """Return a decimal default as `Decimal("...")` source, within the field's precision."""
    digits, places = field.precision or DEFAULT_DECIMAL
    found = re.fullmatch(r"-?(\d+)(?:\.(\d+))?", value)
    if found is None or len(found[1].lstrip("0")) > digits - places or len(found[2] or "") > places:
        raise SpecError(bad)
    return f'Decimal("{value}")'

"""An entity ready to render: its names, its fields, and what its references point at."""

from dataclasses import dataclass
from string import Template
from textwrap import dedent

from scaffold.spec import FieldSpec, class_name


@dataclass(frozen=True)
class Known:
    """An entity the project already has, as a reference target."""

    name: str
    cls: str
    table: str
    owned: bool
    # How the tests make one: `create_user(client)` or `create_item(client, headers)`.
    factory_takes_headers: bool

    @property
    def repository_attribute(self) -> str:
        """The service attribute holding this entity's repository (its table name)."""
        return self.table


@dataclass(frozen=True)
class Entity:
    """Everything the generated files say about one entity."""

    name: str
    plural: str
    fields: tuple[FieldSpec, ...]
    owned: bool
    jwt: bool
    targets: dict[str, Known]

    @property
    def cls(self) -> str:
        """The model's class name."""
        return class_name(self.name)

    @property
    def route(self) -> str:
        """The URL segment: the plural with hyphens."""
        return self.plural.replace("_", "-")

    @property
    def references(self) -> tuple[FieldSpec, ...]:
        """The fields that refer to another entity."""
        return tuple(field for field in self.fields if field.kind == "ref")

    @property
    def uniques(self) -> tuple[FieldSpec, ...]:
        """The fields whose values are unique (per owner when owned)."""
        return tuple(field for field in self.fields if field.unique)

    def target(self, field: FieldSpec) -> Known:
        """Return the entity a reference points at."""
        if field.target is None:
            raise ValueError(field)
        return self.targets[field.target]

    def unique_constraint(self, field: FieldSpec) -> str:
        """Return the name PostgreSQL gives the field's unique constraint."""
        if self.owned:
            return f"uq_{self.plural}_owner_id_{field.column}"
        return f"uq_{self.plural}_{field.column}"

    def words(self) -> dict[str, str]:
        """Return the substitutions every template of this entity uses."""
        human = self.name.replace("_", " ")
        return {
            "name": self.name,
            "plural": self.plural,
            "cls": self.cls,
            "human": human,
            "humans": self.plural.replace("_", " "),
            "Human": human.capitalize(),
            "route": self.route,
            "ROUTE": self.plural.upper(),
        }

    def fill(self, template: str, **extra: str) -> str:
        """Fill a `$name`-style template (dedented, first newline dropped) with this entity."""
        return Template(dedent(template).removeprefix("\n")).substitute(self.words(), **extra)


def indent(lines: list[str], depth: int) -> list[str]:
    """Indent non-empty lines by `depth` levels of four spaces."""
    return [("    " * depth + line) if line else "" for line in lines]


def module(*parts: str) -> str:
    """Join the parts of a module with the blank lines between them, ending in one newline."""
    return "\n".join(part.strip("\n") + "\n" for part in parts if part.strip()).rstrip() + "\n"

"""Repository, service, router and dependency of a new entity, in the shape of items'."""

from scaffold.entity import Entity, Known

# Lists in one round trip (`Repository.page`: the rows and their total), mapped from plain rows;
# each statement built once, at import, with its parameters bound per call.
OWNED_REPOSITORY = '''
    """Queries on $humans.

    Each statement is built once, at import, with named parameters bound per call: building a
    SQLAlchemy statement costs more CPU than PostgreSQL spends running it.
    """

    import uuid

    from sqlalchemy import bindparam, select

    from src.models import $cls
    from src.repositories.base import PageRows, Repository, rows_of

    OWNED = select($cls).where(
        $cls.id == bindparam("${name}_id"), $cls.owner_id == bindparam("owner_id")
    )
    OWNED_NEWEST_FIRST = (
        rows_of($cls)
        .where($cls.owner_id == bindparam("owner_id"))
        .order_by($cls.created_at.desc(), $cls.id.desc())
    )


    class ${cls}Repository(Repository[$cls]):
        """${Human_plural}, always seen through their owner."""

        model = $cls

        async def get_owned(self, ${name}_id: uuid.UUID, owner_id: uuid.UUID) -> $cls | None:
            """Return the $human if it exists and belongs to the owner, else None."""
            return await self.session.scalar(
                OWNED, {"${name}_id": ${name}_id, "owner_id": owner_id}
            )

        async def list_owned(self, owner_id: uuid.UUID, limit: int, offset: int) -> PageRows:
            """Return one page of the owner's $humans, newest first, and how many there are."""
            return await self.page(OWNED_NEWEST_FIRST, {"owner_id": owner_id}, limit, offset)
'''

PLAIN_REPOSITORY = '''
    """Queries on $humans.

    Each statement is built once, at import, with named parameters bound per call: building a
    SQLAlchemy statement costs more CPU than PostgreSQL spends running it.
    """

    from src.models import $cls
    from src.repositories.base import PageRows, Repository, rows_of

    NEWEST_FIRST = rows_of($cls).order_by($cls.created_at.desc(), $cls.id.desc())


    class ${cls}Repository(Repository[$cls]):
        """${Human_plural}."""

        model = $cls

        async def list_page(self, limit: int, offset: int) -> PageRows:
            """Return one page of $humans, newest first, and how many there are."""
            return await self.page(NEWEST_FIRST, {}, limit, offset)
'''


def render_repository(entity: Entity) -> str:
    """Return src/repositories/<name>.py, listing as the project's items do."""
    template = OWNED_REPOSITORY if entity.owned else PLAIN_REPOSITORY
    return entity.fill(template, Human_plural=entity.words()["humans"].capitalize())


def targets(entity: Entity) -> list[Known]:
    """Return the distinct entities the references point at, in the order first named."""
    seen: dict[str, Known] = {}
    for field in entity.references:
        target = entity.target(field)
        seen.setdefault(target.name, target)
    return list(seen.values())


def service_imports(entity: Entity) -> list[str]:
    """Return the service module's imports."""
    errors = ["NotFoundError"] + (["ConflictError"] if entity.uniques else [])
    lines = ["import uuid"]
    if entity.references:
        lines.append("from typing import Any")
    lines += ["", "import structlog", "", f"from src.errors import {', '.join(sorted(errors))}"]
    lines.append(f"from src.models import {entity.cls}")
    if entity.uniques:
        lines.append("from src.repositories.base import DuplicateError")
    for target in targets(entity):
        lines.append(f"from src.repositories.{target.name} import {target.cls}Repository")
    lines.append(f"from src.repositories.{entity.name} import {entity.cls}Repository")
    lines.append("from src.schemas.common import Page, PageParams, page_of")
    schemas = f"{entity.cls}Create, {entity.cls}Out, {entity.cls}Update"
    lines.append(f"from src.schemas.{entity.name} import {schemas}")
    return lines


def conflict_helper(entity: Entity) -> list[str]:
    """Return the module-level mapping from unique constraints to the field they guard."""
    if not entity.uniques:
        return []
    pairs = ", ".join(
        f'"{entity.unique_constraint(field)}": "{field.column.replace("_", " ")}"'
        for field in entity.uniques
    )
    return entity.fill(
        '''
        # Each unique constraint, by name, and the field whose value it keeps unique.
        UNIQUE_FIELDS = {$pairs}


        def taken(exc: DuplicateError) -> ConflictError:
            """Name the field whose value another $human already has."""
            field = UNIQUE_FIELDS.get(str(exc), "value")
            return ConflictError(f"A $human with this {field} already exists.")
        ''',
        pairs=pairs,
    ).splitlines()


def render_service(entity: Entity) -> str:
    """Return src/services/<name>.py."""
    words = entity.words()
    owner_doc = ": each belongs to its creator, and others cannot tell it exists"
    head = [
        f'"""{words["humans"].capitalize()}{owner_doc if entity.owned else ""}."""',
        "",
        *service_imports(entity),
        "",
        "log = structlog.get_logger()",
    ]
    helper = conflict_helper(entity)
    parts = ["\n".join(head), "\n".join(helper), "\n".join(service_class(entity))]
    return "\n\n\n".join(part for part in parts if part) + "\n"


def service_class(entity: Entity) -> list[str]:
    """Return the service class, owned or plain."""
    w = entity.words()
    owned = entity.owned
    caller = "owner_id: uuid.UUID, " if owned else ""
    caller_arg = "owner_id, " if owned else ""
    the = "the caller's " if owned else ""
    yours = f"one of the caller's {w['humans']}" if owned else f"one {w['human']}"
    repositories = [f"{w['plural']}: {w['cls']}Repository"] + [
        f"{target.repository_attribute}: {target.cls}Repository" for target in targets(entity)
    ]
    lines = [
        f"class {w['cls']}Service:",
        f'    """Creates, reads, changes and deletes {the}{w["humans"]}."""',
        "",
        f"    def __init__(self, {', '.join(repositories)}) -> None:",
        *[f"        self.{item.split(':')[0]} = {item.split(':')[0]}" for item in repositories],
        "",
        *create_method(entity, caller, caller_arg),
        "",
        f"    async def get(self, {caller}{w['name']}_id: uuid.UUID) -> {w['cls']}Out:",
        f'        """Return {yours}."""',
        (
            f"        return {w['cls']}Out.model_validate(await "
            f"self._require({caller_arg}{w['name']}_id))"
        ),
        "",
        *list_method(entity, caller, caller_arg),
        "",
        *update_method(entity, caller, caller_arg),
        "",
        f"    async def delete(self, {caller}{w['name']}_id: uuid.UUID) -> None:",
        f'        """Delete {yours if owned else "a " + w["human"]}."""',
        f"        await self.{w['plural']}.delete(",
        f"            await self._require({caller_arg}{w['name']}_id)",
        "        )",
        f'        log.info("{w["name"]}_deleted", {w["name"]}_id=str({w["name"]}_id))',
        "",
        *require_method(entity, caller),
    ]
    if entity.references:
        lines += ["", *references_method(entity, caller)]
    return lines


def create_method(entity: Entity, caller: str, caller_arg: str) -> list[str]:
    """Return the service's create method."""
    w = entity.words()
    owner = ", owner_id=owner_id" if entity.owned else ""
    doc = (
        f"Create a {w['human']} owned by the caller." if entity.owned else f"Create a {w['human']}."
    )
    row = f"{w['cls']}(**{w['name']}_in.model_dump(){owner})"
    add = f"{w['name']} = await self.{w['plural']}.add({row})"
    lines = [
        f"    async def create(self, {caller}{w['name']}_in: {w['cls']}Create) -> {w['cls']}Out:",
        f'        """{doc}"""',
    ]
    if entity.references:
        lines.append(
            f"        await self._require_references({caller_arg}{w['name']}_in.model_dump())"
        )
    if entity.uniques:
        lines += [
            "        try:",
            f"            {add}",
            "        except DuplicateError as exc:",
            "            raise taken(exc) from exc",
        ]
    else:
        lines.append(f"        {add}")
    return [
        *lines,
        f'        log.info("{w["name"]}_created", {w["name"]}_id=str({w["name"]}.id))',
        f"        return {w['cls']}Out.model_validate({w['name']})",
    ]


def list_method(entity: Entity, caller: str, caller_arg: str) -> list[str]:
    """Return the service's list method."""
    w = entity.words()
    if entity.owned:
        fetch = f"await self.{w['plural']}.list_owned(owner_id, page.limit, page.offset)"
        doc = f"Return one page of the caller's {w['humans']}, newest first."
    else:
        fetch = f"await self.{w['plural']}.list_page(page.limit, page.offset)"
        doc = f"Return one page of {w['humans']}, newest first."
    return [
        f"    async def list(self, {caller}page: PageParams) -> Page[{w['cls']}Out]:",
        f'        """{doc}"""',
        f"        found = {fetch}",
        (
            f"        return page_of([{w['cls']}Out.model_validate(row) for row in "
            "found.rows], found.total, page)"
        ),
    ]


def update_method(entity: Entity, caller: str, caller_arg: str) -> list[str]:
    """Return the service's update method."""
    w = entity.words()
    doc = (
        f"Apply a partial change to one of the caller's {w['humans']}."
        if entity.owned
        else f"Apply a partial change to a {w['human']}."
    )
    lines = [
        (
            f"    async def update(self, {caller}{w['name']}_id: uuid.UUID, changes: "
            f"{w['cls']}Update) -> {w['cls']}Out:"
        ),
        f'        """{doc}"""',
        f"        {w['name']} = await self._require({caller_arg}{w['name']}_id)",
    ]
    if entity.references:
        lines += [
            "        values = changes.model_dump(exclude_unset=True)",
            f"        await self._require_references({caller_arg}values)",
            "        for field, value in values.items():",
        ]
    else:
        lines.append("        for field, value in changes.model_dump(exclude_unset=True).items():")
    lines.append(f"            setattr({w['name']}, field, value)")
    if entity.uniques:
        lines += [
            "        try:",
            f"            await self.{w['plural']}.flush()",
            "        except DuplicateError as exc:",
            "            raise taken(exc) from exc",
        ]
    else:
        lines.append(f"        await self.{w['plural']}.flush()")
    return [
        *lines,
        f'        log.info("{w["name"]}_updated", {w["name"]}_id=str({w["name"]}.id))',
        f"        return {w['cls']}Out.model_validate({w['name']})",
    ]


def require_method(entity: Entity, caller: str) -> list[str]:
    """Return the service's _require: a row someone else owns answers like a missing one."""
    w = entity.words()
    if entity.owned:
        doc = (
            f"Return the caller's {w['human']}; someone else's answers exactly like a missing one."
        )
        fetch = f"await self.{w['plural']}.get_owned({w['name']}_id, owner_id)"
    else:
        doc = f"Return the {w['human']} or raise NotFoundError."
        fetch = f"await self.{w['plural']}.get({w['name']}_id)"
    return [
        f"    async def _require(self, {caller}{w['name']}_id: uuid.UUID) -> {w['cls']}:",
        f'        """{doc}"""',
        f"        {w['name']} = {fetch}",
        f"        if {w['name']} is None:",
        f'            raise NotFoundError("{w["Human"]} not found.")',
        f"        return {w['name']}",
    ]


def references_method(entity: Entity, caller: str) -> list[str]:
    """Return the check that every reference names a row the caller may see."""
    doc = "Refuse a reference to a row that does not exist"
    doc += ", or that is not the caller's." if entity.owned else "."
    lines = [
        f"    async def _require_references(self, {caller}values: dict[str, Any]) -> None:",
        f'        """{doc}"""',
    ]
    for field in entity.references:
        target = entity.target(field)
        repository = f"self.{target.repository_attribute}"
        if target.owned:
            lookup = f"await {repository}.get_owned({field.column}, owner_id)"
        else:
            lookup = f"await {repository}.get({field.column})"
        human = target.name.replace("_", " ").capitalize()
        lines += [
            f'        {field.column} = values.get("{field.column}")',
            f"        if {field.column} is not None and {lookup} is None:",
            f'            raise NotFoundError("{human} not found.")',
        ]
    return lines


def router_responses(entity: Entity) -> tuple[str, str]:
    """Return the extra problem statuses of the create and the change routes."""
    create = ([404] if entity.references else []) + ([409] if entity.uniques else [])
    change = [404] + ([409] if entity.uniques else [])
    as_text = ", ".join(map(str, create))
    return (f", responses=problem_responses({as_text})" if create else ""), ", ".join(
        map(str, change)
    )


def render_router(entity: Entity) -> str:
    """Return src/api/v1/<plural>.py."""
    w = entity.words()
    jwt = entity.jwt
    owned = entity.owned
    me = ", me: CurrentUser" if owned else ""
    who = "me.id, " if owned else ""
    create_extra, change = router_responses(entity)
    yours = owned
    # Without an owner, a signed-in caller is still required: the router asks for one itself.
    guarded = jwt and not owned
    deps = (
        ("CurrentUser, " if owned else "")
        + f"{w['cls']}ServiceDep"
        + (", get_current_user" if guarded else "")
    )
    lines = [
        (
            f'"""{w["Human"]} '
            f'endpoints{": callers only ever see their own " + w["humans"] if owned else ""}."""'
        ),
        "",
        "import uuid",
        "",
        f"from fastapi import APIRouter, {'Depends, ' if guarded else ''}status",
        "",
        f"from src.api.deps import {deps}",
        "from src.api.openapi import operation_id",
        "from src.api.v1 import PREFIX",
        "from src.schemas.common import DataResponse, Page, PageQuery",
        f"from src.schemas.{w['name']} import {w['cls']}Create, {w['cls']}Out, {w['cls']}Update",
        "from src.schemas.problem import problem_responses",
        "",
        "router = APIRouter(",
        f'    prefix=f"{{PREFIX}}/{w["route"]}",',
        f'    tags=["{w["route"]}"],',
        f"    responses=problem_responses({'401, ' if jwt else ''}422),",
        "    generate_unique_id_function=operation_id,",
        *(
            [
                "    # Rows of no one's, but only for signed-in callers.",
                "    dependencies=[Depends(get_current_user)],",
            ]
            if guarded
            else []
        ),
        ")",
        "",
        "",
        f'@router.post("", status_code=status.HTTP_201_CREATED{create_extra})',
        (
            f"async def create_{w['name']}({w['name']}_in: {w['cls']}Create, {w['plural']}: "
            f"{w['cls']}ServiceDep{me}) -> DataResponse[{w['cls']}Out]:"
        ),
        f'    """Create a {w["human"]}{" owned by you" if yours else ""}."""',
        f"    return DataResponse(data=await {w['plural']}.create({who}{w['name']}_in))",
        "",
        "",
        '@router.get("")',
        (
            f"async def list_{w['plural']}(page: PageQuery, {w['plural']}: "
            f"{w['cls']}ServiceDep{me}) -> Page[{w['cls']}Out]:"
        ),
        f'    """List {"your " if yours else ""}{w["humans"]}, newest first."""',
        f"    return await {w['plural']}.list({who}page)",
        "",
        "",
        f'@router.get("/{{{w["name"]}_id}}", responses=problem_responses(404))',
        (
            f"async def read_{w['name']}({w['name']}_id: uuid.UUID, {w['plural']}: "
            f"{w['cls']}ServiceDep{me}) -> DataResponse[{w['cls']}Out]:"
        ),
        f'    """Return {"one of your " + w["humans"] if yours else "one " + w["human"]}."""',
        f"    return DataResponse(data=await {w['plural']}.get({who}{w['name']}_id))",
        "",
        "",
        f'@router.patch("/{{{w["name"]}_id}}", responses=problem_responses({change}))',
        (
            f"async def update_{w['name']}({w['name']}_id: uuid.UUID, changes: {w['cls']}Update, "
            f"{w['plural']}: {w['cls']}ServiceDep{me}) -> DataResponse[{w['cls']}Out]:"
        ),
        f'    """Change {"one of your " + w["humans"] if yours else "a " + w["human"]}."""',
        f"    return DataResponse(data=await {w['plural']}.update({who}{w['name']}_id, changes))",
        "",
        "",
        (
            f'@router.delete("/{{{w["name"]}_id}}", status_code=status.HTTP_204_NO_CONTENT, '
            "responses=problem_responses(404))"
        ),
        (
            f"async def delete_{w['name']}({w['name']}_id: uuid.UUID, {w['plural']}: "
            f"{w['cls']}ServiceDep{me}) -> None:"
        ),
        f'    """Delete {"one of your " + w["humans"] if yours else "a " + w["human"]}."""',
        f"    await {w['plural']}.delete({who}{w['name']}_id)",
    ]
    return "\n".join(lines) + "\n"


def render_dependency(entity: Entity) -> tuple[str, str]:
    """Return the provider function and the `<Entity>ServiceDep` alias for src/api/deps.py."""
    w = entity.words()
    repositories = [f"{w['cls']}Repository(session)"] + [
        f"{target.cls}Repository(session)" for target in targets(entity)
    ]
    function = (
        f"async def get_{w['name']}_service(session: DbSession) -> {w['cls']}Service:\n"
        f'    """Provide the {w["human"]} service."""\n'
        f"    return {w['cls']}Service({', '.join(repositories)})\n"
    )
    alias = (
        f"{w['cls']}ServiceDep = Annotated[{w['cls']}Service, Depends(get_{w['name']}_service)]\n"
    )
    return function, alias

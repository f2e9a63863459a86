"""ORM models; importing this package registers every table on `Base.metadata`."""

from src.models.base import Base
from src.models.item import Item
from src.models.user import User

__all__ = ["Base", "Item", "User"]

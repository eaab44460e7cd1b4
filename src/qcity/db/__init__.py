"""Database engine, sessions and the declarative base. No engine exists at import time."""

from qcity.db.base import Base
from qcity.db.engine import make_engine, make_session_factory

__all__ = ["Base", "make_engine", "make_session_factory"]

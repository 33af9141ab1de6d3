"""Flask extensions, created unbound and initialised in `create_app`."""

from typing import TYPE_CHECKING

from flask_babel import Babel
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy.orm import DeclarativeBase


class Base(DeclarativeBase):
    """Declarative base of every model."""


db = SQLAlchemy(model_class=Base)
babel = Babel()
csrf = CSRFProtect()

# The base class of every model. At run time it is `db.Model`: `Base` with Flask-SQLAlchemy's table naming and
# bind handling mixed in. A type checker cannot take an instance's attribute as a base class, so it sees `Base`,
# whose typed `Mapped[]` columns and keyword constructor are what the models rely on.
if TYPE_CHECKING:
    Model = Base
else:
    Model = db.Model

"""The extension singletons, created once and bound in ``create_app``."""
from flask_appbuilder import AppBuilder
from flask_appbuilder.models.sqla.base import SQLA
from flask_migrate import Migrate

db = SQLA()
appbuilder = AppBuilder(update_perms=False)
migrate = Migrate()

"""The web application factory. Nothing is built at import time."""

from __future__ import annotations

import logging
from pathlib import Path

from fastapi import Depends, FastAPI
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from sqlalchemy import Engine

from qcity import __version__
from qcity.config import Settings, get_settings
from qcity.db.engine import make_engine, make_session_factory, writer_bind
from qcity.web import errors, middleware
from qcity.web.input_guard import reject_nul
from qcity.web.routes import include_routers
from qcity.web.templating import configure_templates

HERE = Path(__file__).parent


def create_app(settings: Settings | None = None, engine: Engine | None = None) -> FastAPI:
    settings = settings or get_settings()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    engine = engine or make_engine(settings.effective_database_url)
    app = FastAPI(
        title="qcity 质量强市建设管理平台",
        version=__version__,
        openapi_url="/api/v1/openapi.json",
        docs_url="/api/v1/docs",
        redoc_url=None,
        swagger_ui_oauth2_redirect_url=None,
        dependencies=[Depends(reject_nul)],
    )
    app.state.settings = settings
    app.state.engine = engine
    app.state.read_sessions = make_session_factory(engine)
    app.state.write_sessions = make_session_factory(writer_bind(engine))
    app.state.templates = configure_templates(Jinja2Templates(directory=str(HERE / "templates")), settings)
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
    middleware.install(app)
    errors.install(app)
    include_routers(app)
    logging.getLogger("qcity").setLevel(logging.INFO)
    return app

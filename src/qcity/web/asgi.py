"""ASGI entry point for uvicorn: `qcity.web.asgi:app`."""

from qcity.web.app import create_app

app = create_app()

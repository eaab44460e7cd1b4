"""Every router of every feature, in one list: the permission-matrix test walks the same app."""

from __future__ import annotations

from fastapi import FastAPI

from qcity.accounts import api as accounts_api
from qcity.accounts import pages as accounts_pages
from qcity.assessment import api as assessment_api
from qcity.assessment import pages as assessment_pages
from qcity.audit import api as audit_api
from qcity.audit import pages as audit_pages
from qcity.indicators import api as indicators_api
from qcity.indicators import pages as indicators_pages
from qcity.org import api as org_api
from qcity.org import pages as org_pages
from qcity.plans import api as plans_api
from qcity.plans import pages as plans_pages
from qcity.tasks import api as tasks_api
from qcity.tasks import pages as tasks_pages

ROUTERS = [
    accounts_api.router,
    org_api.router,
    plans_api.router,
    tasks_api.router,
    audit_api.router,
    assessment_api.router,
    indicators_api.router,
    accounts_pages.router,
    plans_pages.router,
    tasks_pages.router,
    org_pages.router,
    audit_pages.router,
    assessment_pages.router,
    indicators_pages.router,
]


def include_routers(app: FastAPI) -> None:
    for router in ROUTERS:
        app.include_router(router)

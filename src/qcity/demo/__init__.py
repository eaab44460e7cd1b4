"""The demo: five real plans in five regions with a year of plausible activity (`qcity demo`, `make demo`)."""

from qcity.demo.build import DemoAccount, DemoSummary, RegionSummary, build_demo, plan_json
from qcity.demo.catalog import DEFAULT_SEED, PASSWORD, REGIONS

__all__ = [
    "DEFAULT_SEED",
    "PASSWORD",
    "REGIONS",
    "DemoAccount",
    "DemoSummary",
    "RegionSummary",
    "build_demo",
    "plan_json",
]

"""Shared fixtures: a small published scheme used by every assessment test."""

from __future__ import annotations

import pytest

from qcity.assessment.scheme import Scheme, scheme_from_dict
from tests.assessment.assessment_cases import scheme_data


@pytest.fixture
def scheme() -> Scheme:
    return scheme_from_dict(scheme_data())

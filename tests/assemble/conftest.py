"""The assemble tests' shared fixtures: the framework, an assembler on the built templates and
the worked example rendered once per module.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.assemble.render import Assembler
from pipeline.framework import Framework
from pipeline.framework_load import default_framework
from tests.helpers.paths import TEMPLATES
from tests.helpers.render_records import context, policy_record


@pytest.fixture(scope="module")
def framework() -> Framework:
    return default_framework()


@pytest.fixture(scope="module")
def assembler(framework: Framework) -> Assembler:
    return Assembler(TEMPLATES, framework)


@pytest.fixture(scope="module")
def policy_docx(assembler: Assembler, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("policy") / "policy.docx"
    done = assembler.render(policy_record(), out, context=context())
    assert done.kind == "policy" and done.docx == out and done.title == "Personal Budgets Policy"
    return out

"""One identity per policy: which forms share a reference never depends on order or batching,
and a form whose reference and title disagree is stopped unless it renames by a new version.

The permutation tests run real batches through LibreOffice; one warm converter is shared by
every workspace so 24 batches stay affordable on two cores.
"""

from __future__ import annotations

import io
import itertools
from collections.abc import Callable, Iterator
from pathlib import Path

import docx
import pytest

from pipeline.convert.base import Converter
from pipeline.convert.factory import make_converter
from pipeline.convert.settings import ConverterSettings
from pipeline.framework_load import default_framework
from pipeline.records import FieldValue, FormRecord
from pipeline.register.layout import history_values
from pipeline.run import Pipeline
from pipeline.validate.identity import check_identity
from pipeline.validate.interpret import interpret
from tests.conftest import WorkspaceFactory
from tests.helpers.paths import EXAMPLES

# Two titles the rule calls the same, typed differently, and one it does not (a plural).
TITLES = {
    "a.docx": "Carers Support Policy",
    "b.docx": "CARERS\u2019  support - Policy",
    "c.docx": "Carer Support Policy",
}
SAME_POLICY = [{"a.docx", "b.docx"}, {"c.docx"}]


@pytest.fixture(scope="module")
def warm(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Converter]:
    state = tmp_path_factory.mktemp("converter")
    converter = make_converter(ConverterSettings(mode="warm", workers=1), state)
    try:
        yield converter
    finally:
        converter.close()


@pytest.fixture
def forms(tmp_path: Path, policy_form: Callable[[str], bytes]) -> dict[str, Path]:
    folder = tmp_path / "forms"
    folder.mkdir()
    out = {}
    for name, title in TITLES.items():
        out[name] = folder / name
        out[name].write_bytes(policy_form(title))
    return out


def _partition(refs: dict[str, str]) -> list[set[str]]:
    groups: dict[str, set[str]] = {}
    for name, ref in refs.items():
        groups.setdefault(ref, set()).add(name)
    return sorted(groups.values(), key=lambda g: sorted(g))


def test_the_same_forms_get_the_same_identities_in_any_order_and_batching(
    make_workspace: WorkspaceFactory, forms: dict[str, Path], warm: Converter
) -> None:
    one_batch: list[dict[str, str]] = []
    for number, order in enumerate(itertools.permutations(sorted(forms))):
        for together in (True, False):
            ws = make_workspace(name=f"ws{number}-{'together' if together else 'apart'}")
            refs: dict[str, str] = {}
            with Pipeline(ws, converter=warm) as pipeline:
                batches = [list(order)] if together else [[name] for name in order]
                for batch in batches:
                    result = pipeline.run([forms[name] for name in batch])
                    assert not result.rejected, [r.problems for r in result.rejected]
                    refs.update({a.file: a.policy_ref for a in result.accepted})
            assert _partition(refs) == SAME_POLICY, (order, together, refs)
            if together:
                one_batch.append(refs)
    # one batch issues the same numbers whatever order its files were listed in
    assert all(refs == one_batch[0] for refs in one_batch), one_batch
    assert one_batch[0] == {
        "a.docx": "ASC-POL-002",
        "b.docx": "ASC-POL-002",
        "c.docx": "ASC-POL-001",
    }


def _policy(title: str, ref: str, version: str) -> bytes:
    """The sample policy with its title, reference and version set."""
    document = docx.Document(str(EXAMPLES / "personal-budgets-policy.docx"))
    title_paragraph = document.paragraphs[0]
    title_paragraph.runs[0].text = title
    for run in title_paragraph.runs[1:]:
        run.text = ""
    table = document.tables[0]
    for row in table.rows:
        if row.cells[0].text.strip() == "Version":
            row.cells[1].text = version
    row = table.add_row()
    row.cells[0].text, row.cells[1].text = "Policy reference", ref
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def test_a_new_version_may_rename_its_policy_and_nothing_else_may(
    make_workspace: WorkspaceFactory, tmp_path: Path, warm: Converter
) -> None:
    ws = make_workspace()
    drops = tmp_path / "drops"
    drops.mkdir()

    def drop(name: str, body: bytes) -> Path:
        (drops / name).write_bytes(body)
        return drops / name

    with Pipeline(ws, converter=warm) as pipeline:
        first = pipeline.run([drop("falls.docx", _policy("Falls Policy", "ASC-POL-003", "3"))])
        assert [a.policy_ref for a in first.accepted] == ["ASC-POL-003"]  # taken as written
        same = pipeline.run(
            [drop("other.docx", _policy("Carers Support Policy", "ASC-POL-003", "3"))]
        )
        assert not same.accepted
        (problem,) = same.rejected[0].problems
        assert problem.field == "Policy title"
        assert problem.message == (
            'ASC-POL-003 is the "Falls Policy"; this form calls it "Carers Support Policy".'
        )
        assert '"Policy reference"' in problem.fix and "higher than 3" in problem.fix
        renamed = pipeline.run(
            [drop("v4.docx", _policy("Falls Prevention Policy", "ASC-POL-003", "4"))]
        )
        assert [a.policy_ref for a in renamed.accepted] == ["ASC-POL-003"]
        row = pipeline.journal.policy("ASC-POL-003")
        assert row is not None and row["title"] == "Falls Prevention Policy"
        details = [history_values(e)[-1] for e in pipeline.journal.events("ASC-POL-003")]
        assert details[-1].startswith('Renamed from "Falls Policy"')
        # a new policy under a reference no one has, with a registered policy's title
        taken = pipeline.run(
            [drop("dup.docx", _policy("Falls Prevention Policy", "ASC-POL-050", "1"))]
        )
        assert not taken.accepted
        assert "is the title of ASC-POL-003" in taken.rejected[0].problems[0].message


def _plan(title: str, ref: str) -> FormRecord:
    return FormRecord(
        "implementation_plan",
        Path("plan.docx"),
        fields={"policy_title": FieldValue(title, "row 1"), "policy_ref": FieldValue(ref, "row 2")},
    )


def test_a_plan_naming_a_reference_with_another_policys_title_is_stopped() -> None:
    framework = default_framework()
    registered = {"title": "Falls Prevention Policy", "version": "2"}

    def check(title: str, holder: str | None = None) -> str:
        record = _plan(title, "ASC-POL-003")
        found = check_identity(record, framework, interpret(record, framework), registered, holder)
        return found.problem.message if found.problem else ""

    assert check("falls prevention policy.") == ""
    assert check("Carers Support Policy", "ASC-POL-007") == (
        '"Carers Support Policy" is the title of ASC-POL-007; this form gives it the '
        "reference ASC-POL-003."
    )
    assert check("Falls Policy") == (
        'ASC-POL-003 is the "Falls Prevention Policy"; this form calls it "Falls Policy".'
    )
    # a reference the register does not hold is taken as written
    record = _plan("Falls Policy", "ASC-POL-099")
    assert (
        check_identity(record, framework, interpret(record, framework), None, None).problem is None
    )

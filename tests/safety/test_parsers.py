"""Every lxml parser the pipeline parses with refuses entity expansion and external entities.

Each user of :func:`pipeline.safety.parsers.safe_parser` is fed a billion-laughs document and
one whose entity points at a local file; none may expand the first or read the second.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from lxml import etree

from pipeline.forms import markers
from pipeline.register.xml import package as register_package
from pipeline.safety import package as safety_package
from pipeline.safety.parsers import safe_parser

LAUGHS = b"".join(
    [
        b'<?xml version="1.0"?>\n<!DOCTYPE r [\n<!ENTITY lol "lol">\n',
        *(
            f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10}">\n'.replace(
                "&lol0;", "&lol;"
            ).encode()
            for i in range(1, 10)
        ),
        b']>\n<r xmlns="urn:probe"><v>&lol9;</v></r>',
    ]
)


def external(path: Path) -> bytes:
    return (
        f'<?xml version="1.0"?>\n<!DOCTYPE r [<!ENTITY secret SYSTEM "{path.as_uri()}">]>'
        '<r xmlns="urn:probe"><v>&secret;</v></r>'
    ).encode()


def _parse_with(parser: etree.XMLParser) -> Callable[[bytes], Any]:
    return lambda data: etree.fromstring(data, parser)


USERS: dict[str, Callable[[bytes], Any]] = {
    "safe_parser()": _parse_with(safe_parser()),
    "safe_parser(remove_blank_text=True)": _parse_with(safe_parser(remove_blank_text=True)),
    "safety.package": _parse_with(safety_package._PARSER),
    "forms.markers": _parse_with(markers._PARSER),
    "register.xml.package.parse": register_package.parse,
}


def _text(parse: Callable[[bytes], Any], data: bytes) -> str:
    """All the text the parser made of ``data`` ('' if it refused the document outright)."""
    try:
        root = parse(data)
    except etree.XMLSyntaxError:
        return ""
    return "".join(t for t in root.itertext() if isinstance(t, str))


@pytest.mark.parametrize("user", sorted(USERS))
def test_refuses_billion_laughs(user: str) -> None:
    assert "lol" not in _text(USERS[user], LAUGHS).replace("&lol9;", "")


@pytest.mark.parametrize("user", sorted(USERS))
def test_refuses_external_entity(user: str, tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-CONTENT")
    assert "TOP-SECRET" not in _text(USERS[user], external(secret))
    passwd = Path("/etc/passwd")
    if passwd.exists():
        assert "root:" not in _text(USERS[user], external(passwd))


def test_a_permissive_parser_would_expand(tmp_path: Path) -> None:
    """The same documents through lxml's permissive options do expand: the tests can fail."""
    loose = _parse_with(etree.XMLParser(resolve_entities=True, load_dtd=True, no_network=True))
    assert "lol" * 20 in _text(loose, LAUGHS.replace(b"lol9;", b"lol2;"))
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-CONTENT")
    assert "TOP-SECRET" in _text(loose, external(secret))

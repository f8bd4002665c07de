"""Turtle terms written exactly as pyoxigraph writes them, for kg's fast Turtle export.

pyoxigraph's serializer needs one Python `Triple` object per triple, and building millions of them
costs more than the whole export may take; kg's export instead writes its Turtle text directly
(`kg.rdf.write_rdf`), with terms rendered here by the rules of oxttl's `TriGSerializer`
(oxigraph 0.5): prefixed names where the local name allows it, literals quoted and escaped as
oxrdf does, numbers bare. Tests compare every rule with pyoxigraph itself.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Mapping

import pyoxigraph as ox

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
XSD = "http://www.w3.org/2001/XMLSchema#"
XSD_STRING = f"{XSD}string"
RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"

#: Characters oxrdf escapes in a quoted literal (print_quoted_str).
_ESCAPES = {0x08: "\\b", 0x09: "\\t", 0x0A: "\\n", 0x0C: "\\f", 0x0D: "\\r", 0x22: '\\"', 0x5C: "\\\\"}
_ESCAPES.update({c: f"\\u{c:04X}" for c in (*range(0x20), 0x7F, 0xFFFE, 0xFFFF) if c not in _ESCAPES})
_NEEDS_ESCAPE = re.compile("[\x00-\x1f\"\\\\\x7f\ufffe\uffff]")

#: Bare number forms of Turtle (INTEGER, DECIMAL, DOUBLE grammar rules).
_BARE = {
    f"{XSD}integer": re.compile(r"[+-]?[0-9]+\Z"),
    f"{XSD}decimal": re.compile(r"[+-]?[0-9]*\.[0-9]+\Z"),
    f"{XSD}double": re.compile(r"[+-]?([0-9]+\.[0-9]*|\.[0-9]+|[0-9]+)[eE][+-]?[0-9]+\Z"),
    f"{XSD}boolean": re.compile(r"(true|false)\Z"),
}

# PN_CHARS_BASE, PN_CHARS_U and PN_CHARS of the Turtle grammar.
_PN_CHARS_BASE = (
    "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02ff\u0370-\u037d\u037f-\u1fff\u200c-\u200d\u2070-\u218f"
    "\u2c00-\u2fef\u3001-\ud7ff\uf900-\ufdcf\ufdf0-\ufffd\U00010000-\U000effff"
)
_PN_CHARS_U = re.compile(f"[{_PN_CHARS_BASE}_]")
_PN_CHARS = re.compile(f"[{_PN_CHARS_BASE}_\\-0-9\u00b7\u0300-\u036f\u203f-\u2040]")
#: Local names that need no escaping: the common case, tested in one regex match.
_PLAIN_LOCAL = re.compile(f"[{_PN_CHARS_BASE}_0-9:][{_PN_CHARS_BASE}_\\-0-9\u00b7\u0300-\u036f\u203f-\u2040:]*\\Z")
_ESCAPABLE = frozenset("_~.-!$&'()*+,;=/?#@%")


def string_literal(value: str) -> str:
    """A plain string literal (xsd:string) as Turtle.

    >>> string_literal('say "hi"\\n')
    '"say \\\\"hi\\\\"\\\\n"'
    """
    if _NEEDS_ESCAPE.search(value) is None:
        return f'"{value}"'
    return f'"{value.translate(_ESCAPES)}"'


def escape_local_name(local: str) -> str | None:
    r"""The local part of a prefixed name, escaped as oxttl does, or None if it cannot be one.

    >>> escape_local_name("llama-65b"), escape_local_name("a%20b"), escape_local_name("-x")
    ('llama-65b', 'a\\%20b', '\\-x')
    >>> escape_local_name("a b") is None
    True
    """
    if _PLAIN_LOCAL.match(local):
        return local
    if not local:
        return None
    first, rest = local[0], local[1:]
    if _PN_CHARS_U.match(first) or first == ":" or first.isascii() and first.isdigit():
        out = [first]
    elif first in _ESCAPABLE:
        out = ["\\", first]
    else:
        return None
    for i, c in enumerate(rest):
        if _PN_CHARS.match(c) or c == ":" or (c == "." and i < len(rest) - 1):
            out.append(c)
        elif c in _ESCAPABLE:
            out += ("\\", c)
        else:
            return None
    return "".join(out)


class TurtleTerms:
    """Renders IRIs and literals as pyoxigraph's Turtle serializer does with the given prefixes."""

    def __init__(self, prefixes: Mapping[str, str]) -> None:
        # oxttl tries the prefixes longest first and takes the first whose local name is valid.
        self._prefixes = sorted(prefixes.items(), key=lambda item: -len(item[1]))
        # Fast path: when every namespace ends in "/" or "#", the longest one that can match an IRI
        # is the IRI up to its last "/" or "#", found with one dict lookup.
        self._by_namespace = ({iri: name for name, iri in prefixes.items()}
                              if all(iri.endswith(("/", "#")) for iri in prefixes.values()) else {})
        self._iris: dict[str, str] = {}
        self._typed: dict[tuple[str, str], str] = {}
        self.header = self._header(prefixes)

    @staticmethod
    def _header(prefixes: Mapping[str, str]) -> str:
        """The @prefix lines, taken from pyoxigraph itself (their order is its own sort's)."""
        probe = ox.Triple(ox.NamedNode("urn:x"), ox.NamedNode("urn:x"), ox.NamedNode("urn:x"))
        text = ox.serialize([probe], format=ox.RdfFormat.TURTLE, prefixes=dict(prefixes)).decode("utf-8")
        return text[: text.rindex("<urn:x>") - len("<urn:x> <urn:x> ")]

    def iri(self, iri: str) -> str:
        """An IRI as a prefixed name (``model:llama-65b``) or in angle brackets."""
        found = self._iris.get(iri)
        if found is None:
            found = self._iris[iri] = self._render_iri(iri)
        return found

    def local_names(self, namespace: str) -> Callable[[str], str]:
        """A function giving `iri(namespace + local)` for locals of ASCII letters, digits and inner "-"
        (hashes, "position-3-40"), without caching: such IRIs occur once each.
        """
        name = self._by_namespace.get(namespace)
        if name is not None:
            return f"{name}:".__add__  # such a local name is valid as it is, and the longest prefix is `name`
        return lambda local: self._render_iri(namespace + local)

    def predicate(self, iri: str) -> str:
        return "a" if iri == RDF_TYPE else self.iri(iri)

    def _render_iri(self, iri: str) -> str:
        cut = max(iri.rfind("/"), iri.rfind("#")) + 1
        name = self._by_namespace.get(iri[:cut])
        if name is not None and cut < len(iri):
            local = escape_local_name(iri[cut:])
            if local is not None:
                return f"{name}:{local}"
        for name, namespace in self._prefixes:
            if iri.startswith(namespace):
                local = iri[len(namespace):]
                if not local:
                    return f"{name}:"
                escaped = escape_local_name(local)
                if escaped is not None:
                    return f"{name}:{escaped}"
        return f"<{iri}>"

    def literal(self, value: str, datatype: str = XSD_STRING, language: str = "") -> str:
        """A literal: quoted, with ``@lang`` or ``^^datatype``, or bare for a Turtle number or boolean."""
        if language:
            return f"{string_literal(value)}@{language}"
        if datatype == XSD_STRING:
            return string_literal(value)
        key = (value, datatype)
        found = self._typed.get(key)
        if found is None:
            bare = _BARE.get(datatype)
            found = value if bare is not None and bare.match(value) else f"{string_literal(value)}^^{self.iri(datatype)}"
            self._typed[key] = found
        return found

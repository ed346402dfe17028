"""The ``schema`` Sphinx domain: schema properties as link targets.

A generated reference page declares each property in its heading::

    (cluster-hubs-stage)=
    ### {schema:property}`cluster.hubs[].stage`

(a ``schema:property`` directive with the name as argument does the same
outside a heading), and any page links to it with ``{schema:prop}`cluster:hubs[].stage```
(the schema name, a colon, the dotted path; ``cluster.hubs[].stage`` works
too).  The link text is the dotted path; write
``{schema:prop}`the stage <cluster:hubs[].stage>``` for other words.  A link
to a property that does not exist is a warning, so a strict build
(``-W -n``) fails and names the missing property.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from docutils import nodes
from sphinx.domains import Domain, ObjType
from sphinx.roles import XRefRole
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective, SphinxRole
from sphinx.util.nodes import make_refnode

from tools.reference.schema import anchor_for

if TYPE_CHECKING:
    from collections.abc import Iterator
    from collections.abc import Set as AbstractSet

    from docutils.nodes import Element, Node, system_message
    from sphinx.addnodes import pending_xref
    from sphinx.builders import Builder
    from sphinx.environment import BuildEnvironment

__all__ = [
    "PropertyDirective",
    "PropertyRole",
    "PropertyTargetRole",
    "SchemaDomain",
    "normalise_target",
]

logger = logging.getLogger(__name__)


def normalise_target(target: str) -> str:
    """Turn ``cluster:hubs[].stage`` (or ``cluster.hubs[].stage``) into the object name."""
    schema, sep, path = target.strip().partition(":")
    return f"{schema}.{path}" if sep else target.strip()


def _split(name: str) -> tuple[str, str]:
    schema, _, path = name.partition(".")
    return schema, path


class PropertyDirective(SphinxDirective):
    """Declare the schema property named by the argument; the section it sits in is its target.

    It makes no output: the anchor is the label written above the section's
    heading, ``(cluster-hubs-stage)=`` (see :func:`tools.reference.schema.anchor_for`).
    """

    required_arguments = 1
    has_content = False

    def run(self) -> list[Node]:
        """Register the property with the domain."""
        name = normalise_target(self.arguments[0])
        schema, path = _split(name)
        domain = self.env.domains["schema"]
        if not isinstance(domain, SchemaDomain):  # pragma: no cover (registered by setup)
            return []
        domain.note_property(name, anchor_for(schema, path), self.get_location())
        return []


class PropertyTargetRole(SphinxRole):
    """``{schema:property}`cluster.hubs[].stage```, in a heading: declare the property there.

    It shows the dotted path as code and registers the property with the
    domain; the anchor is the label written above the heading
    (``(cluster-hubs-stage)=``).
    """

    def run(self) -> tuple[list[Node], list[system_message]]:
        """Register the property and show its dotted path."""
        name = normalise_target(self.text)
        schema, path = _split(name)
        domain = self.env.domains["schema"]
        if isinstance(domain, SchemaDomain):
            domain.note_property(name, anchor_for(schema, path), self.get_location())
        return [nodes.literal(self.rawtext, path or name)], []


class PropertyRole(XRefRole):
    """``{schema:prop}`cluster:hubs[].stage```: a link whose text is the dotted path.

    The dotted path is shown as code; a title of your own is shown as text.
    """

    def run(self) -> tuple[list[Node], list[system_message]]:
        """Make the link, in code style unless it has a title of its own."""
        self.innernodeclass = nodes.inline if self.has_explicit_title else nodes.literal
        return super().run()

    def process_link(
        self,
        env: BuildEnvironment,  # noqa: ARG002 (Sphinx's signature)
        refnode: Element,  # noqa: ARG002 (Sphinx's signature)
        has_explicit_title: bool,  # noqa: FBT001 (Sphinx's signature)
        title: str,
        target: str,
    ) -> tuple[str, str]:
        """Return the link text (the dotted path unless given) and the object name."""
        name = normalise_target(target)
        if not has_explicit_title:
            title = _split(name)[1] or name
        return title, name


class SchemaDomain(Domain):
    """Properties of the configuration schemas (cluster, hub, chart)."""

    name = "schema"
    label = "Configuration schema"
    object_types: ClassVar[dict[str, ObjType]] = {
        "property": ObjType("property", "prop"),
    }
    directives: ClassVar[dict[str, type[SphinxDirective]]] = {"property": PropertyDirective}
    roles: ClassVar[dict[str, Any]] = {
        "prop": PropertyRole(innernodeclass=nodes.literal, warn_dangling=True),
        "property": PropertyTargetRole(),
    }
    initial_data: ClassVar[dict[str, Any]] = {"properties": {}}
    dangling_warnings: ClassVar[dict[str, str]] = {
        "prop": (
            "unknown schema property %(target)r: link with {schema:prop}`<schema>:<dotted.path>`"
            " to a property of the generated schema reference (e.g. cluster:hubs[].stage)"
        ),
    }

    @property
    def properties(self) -> dict[str, tuple[str, str]]:
        """Object name → (docname, anchor) of every declared property."""
        data: dict[str, tuple[str, str]] = self.data.setdefault("properties", {})
        return data

    def note_property(self, name: str, anchor: str, location: object) -> None:
        """Record that *name* is documented in the current document under *anchor*."""
        if name in self.properties:
            other = self.properties[name][0]
            if other != self.env.current_document.docname:
                logger.warning(
                    "schema property %r is also documented in %s",
                    name,
                    other,
                    location=location,
                    type="schema",
                    subtype="duplicate",
                )
        self.properties[name] = (self.env.current_document.docname, anchor)

    def clear_doc(self, docname: str) -> None:
        """Forget the properties declared in *docname*."""
        for name, (doc, _) in list(self.properties.items()):
            if doc == docname:
                del self.properties[name]

    def merge_domaindata(self, docnames: AbstractSet[str], otherdata: dict[str, Any]) -> None:
        """Take the properties a parallel reader found in *docnames*."""
        for name, (doc, anchor) in otherdata["properties"].items():
            if doc in docnames:
                self.properties[name] = (doc, anchor)

    def resolve_xref(  # noqa: PLR0917 (Sphinx's signature)
        self,
        env: BuildEnvironment,  # noqa: ARG002 (Sphinx's signature)
        fromdocname: str,
        builder: Builder,
        typ: str,  # noqa: ARG002 (Sphinx's signature)
        target: str,
        node: pending_xref,  # noqa: ARG002 (Sphinx's signature)
        contnode: Element,
    ) -> nodes.reference | None:
        """Link to the section of the property *target*, or ``None`` (a warning)."""
        found = self.properties.get(normalise_target(target))
        if found is None:
            return None
        docname, anchor = found
        return make_refnode(builder, fromdocname, docname, anchor, contnode, target)

    def resolve_any_xref(  # noqa: PLR0917 (Sphinx's signature)
        self,
        env: BuildEnvironment,
        fromdocname: str,
        builder: Builder,
        target: str,
        node: pending_xref,
        contnode: Element,
    ) -> list[tuple[str, nodes.reference]]:
        """Resolve ``{any}`` links to properties too."""
        ref = self.resolve_xref(env, fromdocname, builder, "prop", target, node, contnode)
        return [("schema:prop", ref)] if ref is not None else []

    def get_objects(self) -> Iterator[tuple[str, str, str, str, str, int]]:
        """Every property, for the search index and the object inventory."""
        for name, (docname, anchor) in sorted(self.properties.items()):
            yield name, name, "property", docname, anchor, 1

    def get_full_qualified_name(self, node: Element) -> str | None:
        """Return the object name a ``schema:prop`` node links to."""
        target = node.get("reftarget")
        return normalise_target(target) if isinstance(target, str) else None

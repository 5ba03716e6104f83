"""One error hierarchy: every failure a user can cause is a `KgError` with a one-line message.

Only the `kg.cli*` modules turn these into printed messages and exit codes.
"""

from __future__ import annotations


class KgError(Exception):
    """Base class of all Ratsgraph errors; `str(error)` is a one-line message for users."""

    exit_code = 1


class SettingsError(KgError):
    """A setting, option or configuration file is invalid."""

    exit_code = 2


class SourceError(KgError):
    """An input file cannot be read (missing, binary, empty, undecodable, broken PDF/HTML)."""


class ParseError(KgError):
    """A document could be read but not understood as a protocol."""


class ExtractError(KgError):
    """Extraction rules or pattern files are invalid."""


class ResolveError(KgError):
    """Entity resolution or curation failed (e.g. curation.yaml names an unknown entity)."""


class RdfError(KgError):
    """Building the RDF graph failed."""


class StoreError(KgError):
    """The triple store cannot be opened or written."""


class StoreLockedError(StoreError):
    """Another process holds the store open for writing."""

    exit_code = 3


class QueryError(KgError):
    """A SPARQL query is malformed, unknown, refused or timed out."""


class AnalyseError(KgError):
    """A network analysis cannot be computed (unknown network, bad date range)."""


class VisualiseError(KgError):
    """A network view cannot be rendered."""


class ExportError(KgError):
    """An export cannot be written."""


class OParlError(KgError):
    """An OParl source cannot be read at all (individual broken objects are only warnings)."""

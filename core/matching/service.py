"""Former home of the matching services, now split by user action (see the package).

Kept only so that ``core.relationship.relationship.explain`` keeps finding
:func:`explain_parts`; that import should name ``core.matching.rows`` and this module go.
"""

from core.matching.rows import explain_parts

__all__ = ["explain_parts"]

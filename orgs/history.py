"""The tree as it was on a date, for figures and reports "as of" a past day.

Every figure that counts a subtree asks here which organisations were in it on its as-of date, so a past
report is reproduced after later moves. (Dissolved organisations stay in the tree with their history.)
"""
from django.db.models import Q

from core.scoping import path_range


def subtree_q(org, as_of, org_field="organization"):
    """A Q keeping records whose `org_field` organisation was in `org`'s subtree on `as_of`.

    Today's paths until the path history lands (issue 5): then the same call answers from the history.
    """
    lo, hi = path_range(org.path)
    return Q(**{f"{org_field}__path__gte": lo, f"{org_field}__path__lt": hi})

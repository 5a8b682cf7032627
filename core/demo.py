"""Demo-data builders of the apps above members.

The `demo` command lives in members, below the work apps, so it cannot import them. Each work app
registers the dotted path of its builder here in AppConfig.ready(); the command builds the university
and then calls every registered builder in order, inside the same transaction, with the members demo's
state (organisations by code, the people's drafts, today's date). A builder returns one line of summary.
"""
builders = []


def register(path):
    """Register a builder by dotted path (imported only when the demo runs, not at every start-up)."""
    if path not in builders:
        builders.append(path)

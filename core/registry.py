"""Registries that let upper apps plug into core's generic views without core importing them."""


class DetailTabs:
    """Tabs that apps add to detail pages: to every model's (model=None, e.g. the audit app's 'history')
    or to one model's (members adds 'members' to the organisation page). A provider takes
    (request, obj) and returns (template_name, context); tabs sort by `order`."""

    def __init__(self):
        self._tabs = {}

    def register(self, key, label, provider, model=None, order=100):
        self._tabs[(model, key)] = (order, label, provider)

    def _for(self, model_label):
        return sorted(((o, k, lbl, p) for (m, k), (o, lbl, p) in self._tabs.items() if m in (None, model_label)),
                      key=lambda t: t[0])

    def items(self, model_label):
        return [(key, label) for _o, key, label, _p in self._for(model_label)]

    def get(self, model_label, key):
        for _o, k, _label, provider in self._for(model_label):
            if k == key:
                return provider
        return None


detail_tabs = DetailTabs()


class Recorder:
    """Core's way to write an audit row (exports, reveals) without importing the audit app, which sets
    `record` when it loads (audit.apps)."""

    record = None

    def __call__(self, *args, **kwargs):
        if self.record is None:
            raise RuntimeError("audit app not loaded")
        return self.record(*args, **kwargs)


recorder = Recorder()


class HomePanels:
    """Panels on the home page; each app adds its own. A panel takes the request and returns its HTML,
    or None when it has nothing to show this user."""

    def __init__(self):
        self._panels = []

    def register(self, panel):
        if panel not in self._panels:
            self._panels.append(panel)

    def all(self):
        return list(self._panels)


home_panels = HomePanels()

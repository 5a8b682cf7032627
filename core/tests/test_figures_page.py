"""A page of figures (core.figures.registry.page) remembers what its figures all ask, and only while it lasts."""
from core.figures import on_page, registry, remembered


def test_remembered_once_per_page_and_every_time_outside_one():
    calls = []

    def compute():
        calls.append(1)
        return len(calls)

    assert not on_page()
    assert [remembered("k", compute), remembered("k", compute)] == [1, 2]
    with registry.page():
        assert on_page()
        assert [remembered("k", compute), remembered("k", compute)] == [3, 3]
        with registry.page():  # a page inside another shares what the outer one remembered
            assert remembered("k", compute) == 3
        assert remembered("other", compute) == 4
    with registry.page():  # the next page starts afresh: nothing outlives its page
        assert remembered("k", compute) == 5
    assert not on_page()

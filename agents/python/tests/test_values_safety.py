"""Rendering a value never runs the program's code: overridden dunders, properties and descriptors stay untouched."""

from sonde_agent.probes.values import render

calls: list[str] = []


class Loud(str):
    def __str__(self):
        calls.append("str")
        return "loud"


class Counting(list):
    def __iter__(self):
        calls.append("iter")
        return iter([])

    def __len__(self):
        calls.append("len")
        return 0


class Mapping(dict):
    def items(self):
        calls.append("items")
        return []


class Cart:
    def __init__(self):
        self.items = ["apple"]
        self.total = 3

    def __repr__(self):
        calls.append("repr")
        return "Cart!"

    def __getattribute__(self, name):
        calls.append(f"getattribute {name}")
        return object.__getattribute__(self, name)

    @property
    def expensive(self):
        calls.append("property")
        return 1


class Point:
    __slots__ = ("x", "y", "unset")

    def __init__(self):
        self.x = 1
        self.y = 2


class Huge:
    def __init__(self):
        self.n = 10**5000


def setup_function():
    calls.clear()


def test_a_str_subclass_reads_its_characters_not_its_str():
    assert render(Loud("abc")) == "abc"
    assert render([Loud("abc")]) == "[ 'abc' ]"
    assert calls == []


def test_a_list_subclass_reads_its_items_not_its_iter_or_len():
    assert render(Counting([1, 2])) == "[ 1, 2 ]"
    assert calls == []


def test_a_dict_subclass_reads_its_entries_not_its_items():
    assert render(Mapping(a=1)) == "{ a: 1 }"
    assert calls == []


def test_an_object_reads_as_its_class_and_fields_running_none_of_its_code():
    assert render(Cart()) == "Cart { items: [ 'apple' ], total: 3 }"
    assert calls == []


def test_slots_are_read_and_an_unset_slot_is_left_out():
    assert render(Point()) == "Point { x: 1, y: 2 }"


def test_an_integer_past_the_digit_limit_is_named():
    assert render(Huge()) == "Huge { n: <int of 16610 bits, too long to print> }"


def test_a_self_containing_list_stops_at_the_depth_limit():
    loop: list[object] = []
    loop.append(loop)
    assert render(loop) == "[ [ [ [Array] ] ] ]"


def test_a_list_of_a_million_items_is_cut_without_reading_all_of_it():
    assert render(list(range(1_000_000))).endswith("\u2026")

"""The Số, ký hiệu: number padding, the symbol with and without the year, parsing back, file names."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from correspondence import numbers


@pytest.mark.parametrize(("number", "text"), [(1, "01"), (5, "05"), (9, "09"), (10, "10"), (15, "15"), (4498, "4498")])
def test_document_number_padding(number: int, text: str) -> None:
    assert numbers.so_van_ban(number) == text


@given(st.integers(min_value=1, max_value=10**7))
def test_document_number_round_trips(number: int) -> None:
    text = numbers.so_van_ban(number)
    assert int(text) == number
    assert len(text) == max(2, len(str(number)))


def test_number_zero_is_refused() -> None:
    with pytest.raises(ValueError):
        numbers.so_van_ban(0)


@given(st.integers(min_value=1, max_value=10**6), st.integers(min_value=2000, max_value=2100), st.booleans())
def test_so_ky_hieu_parses_back(number: int, year: int, with_year: bool) -> None:
    text = numbers.so_ky_hieu(number, "QĐ-UBND", year, with_year)
    assert numbers.parse_so_ky_hieu(text) == (number, "QĐ-UBND", year if with_year else None)


def test_file_names_never_hold_a_slash() -> None:
    assert numbers.file_stem("09/2019/QĐ-UBND") == "09-2019-QĐ-UBND"
    assert numbers.file_stem("343/TTPVHCC-TT&GQTT") == "343-TTPVHCC-TT&GQTT"

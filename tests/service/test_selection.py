"""Pure rules of passage selection."""

from __future__ import annotations

import pytest

from service.answering.candidates.sentences import _value_follows


@pytest.mark.parametrize(
    ("cells", "index", "has_value"),
    [
        # the asked label is the last cell of a side-by-side row: its figure is missing
        (["301", "08", "机关事业单位基本养老保险缴费", "160.75", "302", "06", "电费"], 6, False),
        (["301", "08", "机关事业单位基本养老保险缴费", "160.75", "302", "06", "电费"], 2, True),
        (["普法宣传", "10.00", "353.02", "353.02", "352.29"], 0, True),
        (["一、一般公共预算财政拨款收入", "2,940.05", "一、一般公共服务支出", "2,106.66"], 2, True),
        (["二、政府性基金预算财政拨款收入", "", "二、外交支出", ""], 0, False),
    ],
)
def test_a_named_row_label_needs_its_own_figure(
    cells: list[str], index: int, has_value: bool
) -> None:
    assert _value_follows(cells, index) is has_value

"""The progress bar of the long commands (import_records, export_records, generate_synthetic)."""

import io

from registry.management.progress import ProgressBar


def last_drawing(stream: io.StringIO) -> str:
    return stream.getvalue().split("\r")[-1]


def test_the_bar_is_full_and_counts_every_row_at_the_total():
    stream = io.StringIO()
    bar = ProgressBar("deployments.cameracount", 4, stream=stream)
    for _ in range(4):
        bar.step()
    drawing = last_drawing(stream)
    assert "[##############################]" in drawing
    assert " 4/4 rows" in drawing


def test_an_estimated_total_grows_with_the_rows_rather_than_being_overshot():
    stream = io.StringIO()
    bar = ProgressBar("synthetic", 10, stream=stream)
    bar.step(8)
    bar.step(5)
    bar.close()
    assert bar.total == 13
    assert " 13/13 rows" in last_drawing(stream)


def test_a_step_may_rename_the_bar():
    stream = io.StringIO()
    bar = ProgressBar("synthetic", 10, stream=stream)
    bar.step(10, "deployments_place")
    assert last_drawing(stream).startswith("deployments_place ")


def test_reaching_the_total_is_drawn_once_even_within_a_tenth_of_a_second():
    stream = io.StringIO()
    bar = ProgressBar("synthetic", 2, stream=stream)
    drawn = stream.getvalue().count("\r")
    bar.step(2)  # reaches the total: drawn at once
    bar.step(1)  # past an estimated total, within 0.1 s: not drawn again
    assert stream.getvalue().count("\r") == drawn + 1


def test_a_disabled_bar_writes_nothing():
    stream = io.StringIO()
    bar = ProgressBar("synthetic", 3, stream=stream, enabled=False)
    bar.step(5, "deployments_place")
    bar.close()
    assert stream.getvalue() == ""

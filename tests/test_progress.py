"""The progress bar of the long commands (import_records, export_records, generate_synthetic)."""

import io

from registry.management.progress import ProgressBar


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def last_drawing(stream: io.StringIO) -> str:
    return stream.getvalue().split("\r")[-1]


def test_the_bar_is_full_and_counts_every_row_at_the_total():
    stream = Terminal()
    bar = ProgressBar("deployments.cameracount", 4, stream=stream)
    for _ in range(4):
        bar.step()
    drawing = last_drawing(stream)
    assert "[##############################]" in drawing
    assert " 4/4 rows" in drawing


def test_an_estimated_total_grows_with_the_rows_rather_than_being_overshot():
    stream = Terminal()
    bar = ProgressBar("synthetic", 10, stream=stream)
    bar.step(8)
    bar.step(5)
    bar.close()
    assert bar.total == 13
    assert " 13/13 rows" in last_drawing(stream)


def test_a_step_may_rename_the_bar():
    stream = Terminal()
    bar = ProgressBar("synthetic", 10, stream=stream)
    bar.step(10, "deployments_place")
    assert last_drawing(stream).startswith("deployments_place ")


def test_reaching_the_total_is_drawn_once_even_within_a_tenth_of_a_second():
    stream = Terminal()
    bar = ProgressBar("synthetic", 2, stream=stream)
    drawn = stream.getvalue().count("\r")
    bar.step(2)  # reaches the total: drawn at once
    bar.step(1)  # past an estimated total, within 0.1 s: not drawn again
    assert stream.getvalue().count("\r") == drawn + 1


def test_a_disabled_bar_writes_nothing():
    stream = Terminal()
    bar = ProgressBar("synthetic", 3, stream=stream, enabled=False)
    bar.step(5, "deployments_place")
    bar.close()
    assert stream.getvalue() == ""


def test_in_a_log_the_bar_is_a_line_every_ten_seconds_and_at_the_end(monkeypatch):
    """Not a terminal (a log file, CI): no carriage returns, and one line per ten seconds at most."""
    clock = [100.0]
    monkeypatch.setattr("registry.management.progress.time.monotonic", lambda: clock[0])
    stream = io.StringIO()
    bar = ProgressBar("synthetic", 1000, stream=stream)
    for _ in range(50):  # 50 steps over 25 s: drawn at 10 s and 20 s only
        clock[0] += 0.5
        bar.step(10, "deployments_cameracount")
    bar.close()
    lines = stream.getvalue().splitlines()
    assert "\r" not in stream.getvalue()
    assert [line.split()[-4] for line in lines] == ["0/1000", "200/1000", "400/1000", "500/1000"]
    assert lines[-1].startswith("deployments_cameracount ")


def test_in_a_log_the_last_line_is_not_written_twice():
    stream = io.StringIO()
    bar = ProgressBar("synthetic", 2, stream=stream)
    bar.step(2)  # the total: a line
    bar.close()
    assert stream.getvalue().count(" 2/2 rows") == 1

"""Report charts drawn on the server as SVG (matplotlib), so the PDF has them and the page needs no script.

Every chart is drawn from a report's kept content (plain figures), never from
the database, and the same content always gives the same bytes: a fixed hash
salt for element ids, no date or version in the metadata, and text kept as
text in matplotlib's own DejaVu Sans metrics. Colour is never the only carrier:
each bar is labelled with its figure and, for scores, its status word, and the
page and the PDF always put a table of the same figures beside the chart.
"""

from __future__ import annotations

import functools
import io
import json
import re
import textwrap
from dataclasses import dataclass
from urllib.parse import quote

import matplotlib
from django.utils.translation import get_language, gettext

from .dashboard import status_word

matplotlib.use("Agg")

from matplotlib.figure import Figure as PlotFigure  # noqa: E402 (after choosing the backend)

# Colours with at least 3:1 contrast on white (WCAG 1.4.11), from the GOV.UK palette.
STATUS_COLOURS = {"green": "#00703c", "amber": "#b45309", "red": "#d4351c", "no data": "#505a5f"}
MEDIAN_COLOUR = "#1d70b8"
P90_COLOUR = "#003078"
TEXT_COLOUR = "#0b0c0c"

RC = {
    "svg.hashsalt": "mystery-shop-report",
    "svg.fonttype": "none",
    "font.family": "DejaVu Sans",
    "font.size": 10,
    "text.color": TEXT_COLOUR,
    "axes.labelcolor": TEXT_COLOUR,
    "axes.edgecolor": TEXT_COLOUR,
    "xtick.color": TEXT_COLOUR,
    "ytick.color": TEXT_COLOUR,
}
# No date and no software version: the same figures give the same file.
METADATA = {"Date": None, "Creator": None}


@dataclass
class Chart:
    name: str
    title: str
    alt: str


def chart_list(content: dict) -> list[Chart]:
    """The charts a report's content has, with titles and text alternatives (in the page's language),
    without drawing them."""
    charts = []
    thresholds = content["thresholds"]
    same = gettext("The same figures are in the table.")
    if any(figure["score"] is not None for figure in content["areas"]):
        alt = gettext(
            "Bar chart of the share of the commitment met by commitment area (green from %(green)s%%, "
            "amber from %(amber)s%%): %(scores)s."
        ) % {"green": thresholds["green_from"], "amber": thresholds["amber_from"],
             "scores": _describe_scores(content["areas"])}  # fmt: skip
        charts.append(Chart("areas", gettext("Share of the commitment met, by commitment area"), f"{alt} {same}"))
    if content["channels"]:
        alt = gettext("Bar chart of the share of the commitment met by channel: %(scores)s.") % {
            "scores": _describe_scores(content["channels"])
        }
        charts.append(Chart("channels", gettext("Share of the commitment met, by channel"), f"{alt} {same}"))
    for number, timing in enumerate(content["timings"]):
        lines = "; ".join(
            gettext("%(label)s: median %(median)s seconds, 90th percentile %(p90)s seconds") % line
            if line["median"] is not None
            else gettext("%(label)s: too few answers for a median") % line
            for line in timing["lines"]
        )
        if timing["target"]:
            alt = gettext(
                "Bar chart of the median and 90th percentile of “%(question)s”, against a target of %(target)s "
                "seconds. %(lines)s."
            ) % {"question": timing["question"], "target": timing["target"], "lines": lines}
        else:
            alt = gettext("Bar chart of the median and 90th percentile of “%(question)s”. %(lines)s.") % {
                "question": timing["question"], "lines": lines,
            }  # fmt: skip
        title = gettext("Median and 90th percentile by period: %(question)s") % {"question": timing["question"]}
        charts.append(Chart(f"timing-{number}", title, f"{alt} {same}"))
    return charts


def _describe_scores(figures: list[dict]) -> str:
    return "; ".join(
        gettext("%(label)s %(score)s%% (%(status)s)") % {**figure, "status": status_word(figure["status"])}
        if figure["score"] is not None
        else gettext("%(label)s: no data") % figure
        for figure in figures
    )


def draw(content: dict, name: str, *, width: float = 7.5, font_size: int = 10) -> str | None:
    """One chart of a report as SVG text, or None if the report has no chart of that name.
    `width` in inches: the PDF's page width by default; the dashboard draws narrower, in larger
    type, so the words stay readable when a phone shrinks the picture to its width."""
    if name not in {chart.name for chart in chart_list(content)}:
        return None
    with matplotlib.rc_context({**RC, "font.size": font_size}):
        if name == "areas":
            figure = _score_chart(content["areas"], content["thresholds"], width)
        elif name == "channels":
            figure = _score_chart(content["channels"], content["thresholds"], width)
        else:
            figure = _timing_chart(content["timings"][int(name.removeprefix("timing-"))], width)
        buffer = io.StringIO()
        figure.savefig(buffer, format="svg", metadata=METADATA, bbox_inches="tight")
    return buffer.getvalue()


def _score_chart(figures: list[dict], thresholds: dict, width: float = 7.5) -> PlotFigure:
    """Horizontal bars, best at the top in the table's order, with the amber and green thresholds marked
    and each bar's 95% interval as a whisker (where the figures have one)."""
    # Long names (commitment areas) on two or three lines, so the bars keep most of a phone's width.
    labels = [textwrap.fill(figure["label"], 24) for figure in figures][::-1]
    scores = [figure["score"] or 0 for figure in figures][::-1]
    statuses = [figure["status"] for figure in figures][::-1]
    figure = PlotFigure(figsize=(width, 0.9 + 0.5 * sum(label.count("\n") + 1 for label in labels)))
    axes = figure.add_subplot()
    bars = axes.barh(
        labels, scores, color=[STATUS_COLOURS.get(status, STATUS_COLOURS["no data"]) for status in statuses]
    )
    whiskers = [
        (bar.get_y() + bar.get_height() / 2, figure["score"], figure["interval_low"], figure["interval_high"])
        for bar, figure in zip(bars, figures[::-1], strict=True)
        if figure.get("interval_low") is not None and figure["score"] is not None
    ]
    if whiskers:
        axes.errorbar(
            [score for _, score, *_ in whiskers], [y for y, *_ in whiskers],
            xerr=[[score - low for _, score, low, _ in whiskers], [high - score for _, score, _, high in whiskers]],
            fmt="none", ecolor=TEXT_COLOUR, elinewidth=1.2, capsize=3,
        )  # fmt: skip
    # The figures in a column right of the plot, where the threshold lines never cross them.
    for bar, score, status in zip(bars, scores, statuses, strict=True):
        text = status_word("no data") if status == "no data" else f"{score}% {status_word(status)}"
        axes.text(1.02, bar.get_y() + bar.get_height() / 2, text, va="center", transform=axes.get_yaxis_transform())
    for value, word in ((thresholds["amber_from"], "amber"), (thresholds["green_from"], "green")):
        axes.axvline(value, color=STATUS_COLOURS[word], linestyle="--", linewidth=1)
        axes.text(
            value,
            1.01,
            f"{status_word(word)} {value}%",
            ha="center",
            va="bottom",
            fontsize=8,
            transform=axes.get_xaxis_transform(),
        )
    axes.set_xlim(0, 100)
    axes.set_xlabel(gettext("Share of the commitment met (%)"))
    axes.spines[["top", "right"]].set_visible(False)
    return figure


def _timing_chart(timing: dict, width: float = 7.5) -> PlotFigure:
    """Median and 90th percentile side by side for each period, with the target as a dashed line.
    A period with too few answers has no bars, only the words "too few answers"."""
    labels = [line["label"] for line in timing["lines"]]
    positions = range(len(labels))
    figure = PlotFigure(figsize=(width, 3.2))
    axes = figure.add_subplot()
    width = 0.38
    medians = [line["median"] or 0 for line in timing["lines"]]
    p90s = [line["p90"] or 0 for line in timing["lines"]]
    median_bars = axes.bar(
        [p - width / 2 for p in positions], medians, width, color=MEDIAN_COLOUR, label=gettext("Median")
    )
    p90_bars = axes.bar(
        [p + width / 2 for p in positions], p90s, width, color=P90_COLOUR, hatch="//", edgecolor="white",
        label=gettext("90th percentile"),
    )  # fmt: skip
    words = [[f"{value:g}" if value is not None else "" for value in values] for values in (
        [line["median"] for line in timing["lines"]], [line["p90"] for line in timing["lines"]],
    )]  # fmt: skip
    axes.bar_label(median_bars, labels=words[0], fontsize=8, padding=2)
    axes.bar_label(p90_bars, labels=words[1], fontsize=8, padding=2)
    for position, line in zip(positions, timing["lines"], strict=True):
        if line["median"] is None:
            axes.text(position, 0, gettext("too few\nanswers"), ha="center", va="bottom", fontsize=8)
    if timing["target"]:
        axes.axhline(
            timing["target"],
            color=TEXT_COLOUR,
            linestyle="--",
            linewidth=1,
            label=gettext("Target %(seconds)s s") % {"seconds": timing["target"]},
        )
    axes.set_xticks(list(positions), labels)
    axes.set_ylabel(gettext("Seconds"))
    axes.set_ylim(0, max([*medians, *p90s, timing["target"] or 0, 1]) * 1.2)
    axes.legend(loc="upper left", bbox_to_anchor=(1.01, 1), frameon=False, fontsize=9)
    axes.spines[["top", "right"]].set_visible(False)
    return figure


# Pages show their charts as images inside the page (no script, no second request): drawn once per
# process for the same figures, since drawing takes tens of milliseconds and the figures change rarely.
PAGE_CHART_WIDTH = 4.5


@functools.lru_cache(maxsize=64)
def _drawn_for_page(key: str, name: str, language: str = "") -> dict:  # the language keeps each drawn apart
    svg = draw(json.loads(key), name, width=PAGE_CHART_WIDTH, font_size=12)
    size = re.search(r'<svg[^>]*?width="([\d.]+)pt" height="([\d.]+)pt"', svg)
    # The image's size in CSS pixels (1pt = 4/3 px), so the page keeps its place while it loads.
    width, height = (round(float(value) * 4 / 3) for value in size.groups())
    # Spaces are escaped too, so nothing inside the image's address reads as an attribute of the page.
    return {"src": "data:image/svg+xml," + quote(svg, safe=":/=.,;-_()'"), "width": width, "height": height}


def for_page(content: dict) -> dict:
    """Each chart of `content` for a web page, by name: title, text alternative, and the SVG as a
    data address with its width and height."""
    key = json.dumps(content, sort_keys=True, default=str)
    return {
        chart.name: {"title": chart.title, "alt": chart.alt, **_drawn_for_page(key, chart.name, get_language() or "")}
        for chart in chart_list(content)
    }

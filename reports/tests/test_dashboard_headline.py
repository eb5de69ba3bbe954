"""The commissioner's dashboard read in a minute on a phone: the headline first, charts drawn on the
server with target lines and intervals, no median from too few answers, tables that stack."""

import pytest
from django.urls import reverse

from conftest import accessibility_problems, browser_sign_in, layout_problems, wait_for
from reports import charts, rollups
from reports.dashboard import UNCLEAR, Figure
from volunteers.tests.test_pages_accessible import SPLIT_WORDS as SPLIT_WHOLE_WORDS

from .test_rollups import approved_report

# My training's check (every run of non-space characters on one line), except that a line may end
# after a hyphen inside a word ("high-|quality"), where English text breaks anyway.
SPLIT_WORDS = SPLIT_WHOLE_WORDS.replace("/\\S+/g", "/[^\\s-]+-?/g")
assert SPLIT_WORDS != SPLIT_WHOLE_WORDS


@pytest.fixture
def quarter(coordinator):
    """Three approved reports in one quarter, with a timed question each (60, 200 and 90 seconds)."""
    first = approved_report(coordinator, greeted=True, wait=60)
    day, scenario = first.assignment.visit.starts_at.date(), first.assignment.visit.scenario
    approved_report(coordinator, greeted=False, wait=200, day=day, scenario=scenario)
    approved_report(coordinator, greeted=True, wait=90, day=day, scenario=scenario)
    rollups.rebuild()
    return first


def headline(page: str) -> str:
    return page[page.index('<section class="results-headline') : page.index("</section>")]


@pytest.mark.parametrize(
    ("score", "visits", "verdict"),
    [
        (95.0, 400, "green"),  # interval about 92.4–96.7: wholly above 80
        (70.0, 400, "amber"),  # about 65.3–74.3: between 60 and 80
        (40.0, 400, "red"),
        (79.0, 400, UNCLEAR),  # about 74.7–82.7: reaches both sides of 80
        (95.0, 3, UNCLEAR),  # about 43.9–99.8: too wide to say
    ],
)
def test_a_commitment_area_is_unclear_when_its_interval_spans_a_threshold(score, visits, verdict):
    figure = Figure("Area", weight_met=int(score * 10), weight_applicable=1000, visits=visits)
    assert figure.verdict == verdict


def test_the_headline_has_the_share_its_interval_n_the_change_and_a_tag_per_area(
    client_for, commissioner, coordinator, quarter
):
    page = client_for(commissioner).get(reverse("reports:commissioner-home")).content.decode()
    top = headline(page)
    # 4 + 0 + 4 of 4 + 3 + 4 weight met (the second waited too long and was not greeted): 8 of 11.
    assert "72.7% of the commitment met" in top
    assert "95% interval" in top and "n&nbsp;=&nbsp;3&nbsp;visits, from 3 checked reports" in top
    assert "No results for the previous quarter to compare with." in top
    # Each commitment area with results as a tag in words; three visits cannot settle a colour.
    assert top.count('<span class="rag rag-unclear">Unclear</span>') == 3
    assert "Unclear: the 95% interval reaches both sides of a line" in top
    # The headline comes before the filters and the detail.
    assert page.index("results-headline") < page.index('aria-label="Choose the results to show"')
    assert page.index("results-headline") < page.index("<caption>By commitment area")


def test_the_dashboard_loads_no_charting_script_and_draws_its_charts_on_the_server(
    client_for, commissioner, coordinator, quarter
):
    page = client_for(commissioner).get(reverse("reports:commissioner-home")).content.decode()
    assert "chart.umd" not in page and "dashboard-charts" not in page and "<canvas" not in page
    assert page.count('<img class="report-chart" src="data:image/svg+xml,') == 3  # areas, channels, one timing
    assert "with each 95% interval and the amber and green lines" in page
    assert "with the target as a dashed line" in page


def test_the_same_charts_as_the_pdf_show_thresholds_intervals_and_targets(coordinator, quarter):
    from reports.dashboard import dashboard, period_start

    results = dashboard(start=period_start("quarter", quarter.assignment.visit.starts_at.date()))
    content = results.chart_content()
    areas = charts.draw(content, "areas")
    assert "amber 60%" in areas and "green 80%" in areas
    assert '<g id="LineCollection_1"' in areas, "each bar has its 95% interval as a whisker"
    content["areas"] = [{**figure, "interval_low": None} for figure in content["areas"]]
    assert '<g id="LineCollection_1"' not in charts.draw(content, "areas")
    assert "Target 120 s" in charts.draw(content, "timing-0")
    # The page's images are the same drawing, narrower for a phone.
    assert set(charts.for_page(content)) == {"areas", "channels", "timing-0"}


def test_no_median_or_percentile_from_fewer_answers_than_the_setting(
    client_for, commissioner, coordinator, quarter, settings
):
    client = client_for(commissioner)
    page = client.get(reverse("reports:commissioner-home")).content.decode()
    timing = page[page.index("<caption>How long did you wait?") :]
    timing = timing[: timing.index("</table>")]
    assert "No median or percentile from fewer than 10 answers." in timing
    assert timing.count("Too few answers") == 2 and '<td data-label="Median (seconds)">90</td>' not in timing
    settings.MYSTERYSHOP_MIN_ANSWERS_FOR_PERCENTILES = 3
    page = client.get(reverse("reports:commissioner-home")).content.decode()
    timing = page[page.index("<caption>How long did you wait?") :]
    timing = timing[: timing.index("</table>")]
    assert "Too few answers" not in timing
    assert '<td data-label="Median (seconds)">90</td><td data-label="90th percentile (seconds)">200</td>' in timing


def test_the_timing_chart_says_too_few_answers_instead_of_drawing_a_median(coordinator, quarter):
    content = {
        "thresholds": {"green_from": 80, "amber_from": 60}, "areas": [], "channels": [],
        "timings": [{"question": "How long?", "target": 120, "lines": [
            {"label": "Oct 2026", "median": None, "p90": None}, {"label": "Nov 2026", "median": 50, "p90": 90},
        ]}],
    }  # fmt: skip
    svg = charts.draw(content, "timing-0")
    assert "too few" in svg and "answers" in svg
    assert "Oct 2026: too few answers for a median" in charts.chart_list(content)[0].alt


def _check_phone_page(driver, width: int) -> None:
    driver.set_window_size(width, 844)
    driver.get(driver.base_url + reverse("reports:commissioner-home"))
    wait_for(driver, "main h1")
    # The headline (share, interval, n, change, every area's tag) is on the first screen.
    bottom = driver.execute_script(
        "const tags = document.querySelectorAll('.area-tags li');"
        "return tags[tags.length - 1].getBoundingClientRect().bottom;"
    )
    assert 0 < bottom <= driver.execute_script("return window.innerHeight;"), "the headline fits one phone screen"
    assert driver.execute_script(SPLIT_WORDS) == [], f"no word broken mid-word at {width}px"
    assert layout_problems(driver) == []
    # Figure tables stack: each figure after the name of its column.
    label = driver.execute_script(
        "const cell = document.querySelector('.table-stack td[data-label]');"
        "return getComputedStyle(cell, '::before').content;"
    )
    assert label.startswith('"') and ": " in label


@pytest.mark.parametrize("width", [390, 320])
def test_on_a_phone_the_headline_fits_one_screen_and_no_word_breaks(
    browser, browser_without_javascript, client_for, commissioner, coordinator, quarter, width
):
    for driver in (browser, browser_without_javascript):
        browser_sign_in(driver, client_for(commissioner))
        _check_phone_page(driver, width)
        images = driver.execute_script(
            "return [...document.querySelectorAll('img.report-chart')].map(i => { i.scrollIntoView(); return i.alt; });"
        )
        assert len(images) == 3 and all(images)


def test_on_a_desktop_the_charts_are_drawn_and_the_page_is_accessible(
    browser, browser_without_javascript, client_for, commissioner, coordinator, quarter
):
    for driver in (browser, browser_without_javascript):
        browser_sign_in(driver, client_for(commissioner))
        driver.set_window_size(1280, 900)
        driver.get(driver.base_url + reverse("reports:commissioner-home"))
        wait_for(driver, "main h1")
        assert driver.execute_script(SPLIT_WORDS) == []
        # The server-drawn charts load (lazily, as they are scrolled to) and show at a readable size.
        sizes = driver.execute_script(
            "const imgs = [...document.querySelectorAll('img.report-chart')];"
            "imgs.forEach(i => { i.loading = 'eager'; });"
            "return Promise.all(imgs.map(i => i.decode().then(() => [i.naturalWidth, i.clientWidth])));"
        )
        assert len(sizes) == 3 and all(natural > 0 and shown > 200 for natural, shown in sizes)
        # A wide table is a table again at desktop width.
        assert (
            driver.execute_script("return getComputedStyle(document.querySelector('.table-stack td')).display;")
            == "table-cell"
        )
        assert "Chart" not in driver.execute_script("return Object.keys(window).filter(k => k === 'Chart');")
    assert accessibility_problems(browser, [reverse("reports:commissioner-home"), reverse("reports:results")]) == {}

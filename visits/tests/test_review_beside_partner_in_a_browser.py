"""In Chromium at phone width: the coordinator's review page with the partner's answers stacked under
this report's, checked by axe-core and for sideways scrolling."""

from __future__ import annotations

from django.urls import reverse
from selenium.webdriver.common.by import By

from conftest import axe_violations, browser_sign_in, layout_problems

from .test_capture import booked  # noqa: F401 (the fixture)
from .test_review_beside_partner import send

PHONE = (390, 844)


def test_the_review_page_with_the_partners_answers_fits_a_phone(browser, client_for, booked, coordinator):  # noqa: F811
    _visit, (first, second) = booked
    mine = send(client_for, first, minutes="1")
    send(client_for, second, minutes="4")
    browser_sign_in(browser, client_for(coordinator))
    browser.set_window_size(*PHONE)
    browser.get(browser.base_url + reverse("visits:review-detail", args=[mine.pk]))
    main = browser.find_element(By.TAG_NAME, "main")
    assert "The two reports differ on 1 of 3 questions" in main.text
    # On a phone the partner's answer is stacked under this report's, not squeezed beside it.
    wait = browser.find_element(By.ID, "first-difference")
    mine_cell, partner_cell = wait.find_elements(By.XPATH, "following-sibling::dd")[:2]
    assert "1 min 30 s" in mine_cell.text and "4 min 30 s" in partner_cell.text
    assert partner_cell.location["y"] >= mine_cell.location["y"] + mine_cell.size["height"]
    assert axe_violations(browser) == []
    assert layout_problems(browser) == []
    browser.find_element(By.LINK_TEXT, "go to the first difference").click()
    assert browser.current_url.endswith("#first-difference")

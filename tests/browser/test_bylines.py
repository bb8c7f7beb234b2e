"""A byline beyond the newsroom's accounts, clicked as people do: the editor adds an agency
as second name of an article; a reader sees both names in order and follows the agency's."""

import re

from tests.browser.support import follow, login
from tests.browser.test_desk import DEMO_PASSWORD, click_save, open_from_list

MAP_BIO = "وكالة المغرب العربي للأنباء، وكالة الأنباء الرسمية للمملكة المغربية"


def test_an_editor_adds_an_agency_to_the_byline_and_a_reader_follows_it(demo, new_page):
    desk = new_page()
    login(desk, "muharrir", DEMO_PASSWORD)
    open_from_list(desk, demo.title)
    bylines = desk.locator("#byline_set-group")
    assert bylines.locator("tr.form-row.has_original").count() == 1  # the journalist who wrote it
    bylines.get_by_role("button", name="إضافة كاتب", exact=True).click()
    new_row = bylines.locator("tr.form-row.dynamic-byline_set").last
    new_row.locator(".select2-selection").click()
    desk.locator(".select2-dropdown .select2-search__field").fill("و.م.ع")
    desk.locator(".select2-results__option", has_text="و.م.ع").click()
    assert click_save(desk, "حفظ") == []
    assert re.search(r"/admin/articles/article/$", desk.url)

    reader = new_page()
    reader.goto(demo.get_absolute_url())
    byline = reader.locator(".article-authors")
    assert byline.get_by_role("link").all_inner_texts() == ["يوسف العلمي", "و.م.ع"]
    assert "بقلم يوسف العلمي، و.م.ع" in " ".join(byline.inner_text().split())
    follow(reader, byline.get_by_role("link", name="و.م.ع"))
    assert reader.url.endswith("/author/map/")
    assert reader.locator("h1").inner_text() == "و.م.ع"
    assert MAP_BIO in reader.locator(".author-bio").inner_text()
    assert reader.get_by_role("link", name=demo.title).count() == 1  # the article it now signs

import pytest

from workflow.models import BodySetting, OutcomeCategory


@pytest.mark.django_db
def test_the_three_outcome_schemes_are_installed_in_scheme_order():
    codes = {
        scheme: list(OutcomeCategory.objects.filter(scheme__code=scheme).values_list("code", flat=True))
        for scheme in ("cppcc", "npc", "abcd")
    }
    assert codes == {"cppcc": ["A", "B", "C"], "npc": ["1", "2", "3", "4"], "abcd": ["A", "B", "C", "D"]}


def test_a_new_district_gets_the_default_scheme_per_body(district):
    settings_by_body = {
        s.body: (s.scheme.code, s.rating_scale.code) for s in BodySetting.objects.filter(district=district)
    }
    assert settings_by_body == {"npc": ("npc", "satisfaction"), "cppcc": ("cppcc", "quality")}

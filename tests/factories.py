"""factory-boy factories for the domain; tests build what they need from these."""

import datetime as dt

import factory
from django.utils import timezone

from districts.models import Body, District, HandlingUnit, Membership, Proposer, Role, User
from proposals.models import Category, Item, ItemProposer, Kind, Session


class DistrictFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = District
        django_get_or_create = ("code",)
        skip_postgeneration_save = True

    code = factory.Sequence(lambda n: f"d{n}")
    name = factory.Sequence(lambda n: f"测试{n}区")

    @factory.post_generation
    def body_settings(self, create, extracted, **kwargs):
        if create:
            from workflow.defaults import ensure_body_settings

            ensure_body_settings(self)


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = HandlingUnit

    district = factory.SubFactory(DistrictFactory)
    name = factory.Sequence(lambda n: f"区第{n}局")
    short_name = factory.LazyAttribute(lambda o: o.name[:6])
    sort_order = factory.Sequence(lambda n: n)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"用户{n}")
    password = factory.django.Password("pw-for-tests-only")


class ProposerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Proposer

    district = factory.SubFactory(DistrictFactory)
    body = Body.CPPCC
    name = factory.Sequence(lambda n: f"委员{n}")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    role = Role.OFFICE
    district = factory.SubFactory(DistrictFactory)


class SessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Session

    district = factory.SubFactory(DistrictFactory)
    body = Body.CPPCC
    term = 7
    number = 1
    year = 2026
    label = "七届一次"
    starts_on = dt.date(2026, 1, 10)
    ends_on = dt.date(2026, 1, 14)


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category
        django_get_or_create = ("district", "name")

    district = factory.SubFactory(DistrictFactory)
    name = factory.Iterator(["经济", "城市建设和管理", "教科文卫体", "综合"])


class ItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Item
        skip_postgeneration_save = True

    district = factory.SubFactory(DistrictFactory)
    year = 2026
    body = Body.CPPCC
    kind = factory.LazyAttribute(lambda o: Kind.PROPOSAL if o.body == Body.CPPCC else Kind.SUGGESTION)
    number = factory.Sequence(lambda n: f"{n + 1:04d}")
    title = factory.Sequence(lambda n: f"关于改善第{n}号事项的建议")
    submitted_on = dt.date(2026, 1, 12)
    created_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def lead_proposer(self, create, extracted, **kwargs):
        if create and extracted:
            ItemProposer.objects.create(item=self, proposer=extracted, is_lead=True)

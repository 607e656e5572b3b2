"""Who: districts, their handling units, people and the roles they hold."""

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class Body(models.TextChoices):
    """The two bodies whose members hand in items."""

    NPC = "npc", _("People's Congress")
    CPPCC = "cppcc", _("CPPCC")


class User(AbstractUser):
    """A person who logs in. Deleting one never deletes an item (PROTECT everywhere)."""

    full_name = models.CharField(_("full name"), max_length=100, blank=True)
    phone = models.CharField(_("mobile phone"), max_length=30, blank=True)
    language = models.CharField(
        _("language"),
        max_length=10,
        choices=settings.LANGUAGES,
        blank=True,
        help_text=_("Language of notifications; empty means the site default."),
    )
    history = HistoricalRecords(excluded_fields=["password", "last_login"])

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self):
        return self.full_name or self.username


class District(models.Model):
    code = models.SlugField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=50, unique=True)
    sort_order = models.PositiveIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = _("district")
        verbose_name_plural = _("districts")

    def __str__(self):
        return self.name


class HandlingUnit(models.Model):
    """A bureau, street or town, city body or enterprise that handles items (承办单位)."""

    class Kind(models.TextChoices):
        BUREAU = "bureau", _("Bureau")
        STREET_TOWN = "street_town", _("Street or town")
        CITY_BODY = "city_body", _("City-level body")
        ENTERPRISE = "enterprise", _("Enterprise")

    district = models.ForeignKey(District, models.PROTECT, related_name="units", verbose_name=_("district"))
    name = models.CharField(_("name"), max_length=100)
    short_name = models.CharField(_("short name"), max_length=30, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.BUREAU)
    sort_order = models.PositiveIntegerField(_("official order"), default=0)
    responsible_leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="led_units",
        verbose_name=_("responsible district leader"),
    )
    is_active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["district", "sort_order", "name"]
        verbose_name = _("handling unit")
        verbose_name_plural = _("handling units")
        constraints = [
            models.UniqueConstraint(fields=["district", "name"], name="unit_name_unique_in_district"),
        ]

    def __str__(self):
        return self.short_name or self.name


class UnitContact(models.Model):
    """Who was the unit's contact person (联络员) and when; the open row is the current one."""

    unit = models.ForeignKey(HandlingUnit, models.PROTECT, related_name="contacts", verbose_name=_("unit"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        verbose_name=_("user"),
    )
    name = models.CharField(_("name"), max_length=100)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    started_on = models.DateField(_("from"))
    ended_on = models.DateField(_("until"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["unit", "-started_on"]
        verbose_name = _("unit contact person")
        verbose_name_plural = _("unit contact persons")
        constraints = [
            models.UniqueConstraint(
                fields=["unit"],
                condition=Q(ended_on__isnull=True),
                name="one_current_contact_per_unit",
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                name="contact_dates_in_order",
            ),
        ]

    def __str__(self):
        return f"{self.unit}: {self.name}"


class Proposer(models.Model):
    """A deputy or member, or a group (party, organisation, sector, committee).

    Most deputies never log in, so a proposer exists without a user; a membership
    with the proposer role links one when they do.
    """

    class Kind(models.TextChoices):
        PERSON = "person", _("Deputy or member")
        PARTY = "party", _("Democratic party")
        ORGANISATION = "organisation", _("People's organisation")
        SECTOR = "sector", _("Sector")
        COMMITTEE = "committee", _("Special committee")

    district = models.ForeignKey(District, models.PROTECT, related_name="proposers", verbose_name=_("district"))
    body = models.CharField(_("body"), max_length=10, choices=Body.choices)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.PERSON)
    name = models.CharField(_("name"), max_length=100)
    term = models.PositiveSmallIntegerField(_("term"), null=True, blank=True)
    constituency = models.CharField(
        _("constituency or sector"),
        max_length=100,
        blank=True,
        help_text=_("Electoral unit of a deputy, or sector (界别) of a CPPCC member."),
    )
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["district", "body", "name"]
        verbose_name = _("proposer")
        verbose_name_plural = _("proposers")
        constraints = [
            models.UniqueConstraint(fields=["district", "body", "name"], name="proposer_name_unique"),
        ]

    def __str__(self):
        return self.name


class Role(models.TextChoices):
    OFFICE = "office", _("Office staff")
    HANDLER = "handler", _("Unit handler")
    UNIT_HEAD = "unit_head", _("Unit head")
    LEADER = "leader", _("District leader")
    PROPOSER = "proposer", _("Deputy or member")
    CITY_ADMIN = "city_admin", _("City-level administrator")
    # The three separated duties (三员分立): each runs the deployment, none reads items by it.
    SYSTEM_ADMIN = "system_admin", _("System administrator")
    SECURITY_ADMIN = "security_admin", _("Security administrator")
    AUDIT_ADMIN = "audit_admin", _("Audit administrator")


UNIT_ROLES = (Role.HANDLER, Role.UNIT_HEAD)
ADMINISTRATOR_ROLES = (Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN)
# Roles over every district, so held with none.
DISTRICTLESS_ROLES = (Role.CITY_ADMIN, *ADMINISTRATOR_ROLES)

ONE_ADMINISTRATOR_ROLE = _(
    "This account already holds an administrator role: the system, security and audit "
    "administrators are three separate accounts."
)
ADMINISTRATOR_ALONE = _(
    "An administrator's account holds no other role: the system, security and audit administrators "
    "neither handle nor read items. Use a separate account for business work."
)


class Membership(models.Model):
    """One role a user holds, scoped to a district and, for unit roles, a unit.

    A district leader's units are the units naming them as responsible leader.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="memberships", verbose_name=_("user")
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    district = models.ForeignKey(
        District,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="memberships",
        verbose_name=_("district"),
    )
    unit = models.ForeignKey(
        HandlingUnit,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="memberships",
        verbose_name=_("unit"),
    )
    proposer = models.ForeignKey(
        Proposer,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="memberships",
        verbose_name=_("proposer"),
    )
    is_active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("role membership")
        verbose_name_plural = _("role memberships")
        constraints = [
            models.CheckConstraint(
                condition=Q(role__in=DISTRICTLESS_ROLES, district__isnull=True)
                | (~Q(role__in=DISTRICTLESS_ROLES) & Q(district__isnull=False)),
                name="membership_district_unless_districtless_role",
                violation_error_message=_(
                    "The city-level and the system, security and audit administrators hold no district; "
                    "every other role holds one."
                ),
            ),
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(role__in=ADMINISTRATOR_ROLES),
                name="one_administrator_role_per_user",
                violation_error_message=ONE_ADMINISTRATOR_ROLE,
            ),
            models.CheckConstraint(
                condition=Q(role__in=UNIT_ROLES, unit__isnull=False) | (~Q(role__in=UNIT_ROLES) & Q(unit__isnull=True)),
                name="membership_unit_iff_unit_role",
            ),
            models.CheckConstraint(
                condition=Q(role=Role.PROPOSER, proposer__isnull=False)
                | (~Q(role=Role.PROPOSER) & Q(proposer__isnull=True)),
                name="membership_proposer_iff_proposer_role",
            ),
        ]

    def __str__(self):
        scope = self.unit or self.proposer or self.district or _("all districts")
        return f"{self.user} · {self.get_role_display()} · {scope}"

    def save(self, *args, **kwargs):
        """Saves, then gives or takes the account's staff status (the admin site) as its administrator roles say."""
        super().save(*args, **kwargs)
        if self.role in ADMINISTRATOR_ROLES or getattr(self, "_loaded_role", None) in ADMINISTRATOR_ROLES:
            sync_staff(self.user)
        self._loaded_role = self.role

    @classmethod
    def from_db(cls, db, field_names, values):
        membership = super().from_db(db, field_names, values)
        membership._loaded_role = membership.__dict__.get("role")
        return membership

    def clean(self):
        """Separated duties (三员分立): an administrator's account is theirs alone, holding no business role.

        Two administrator roles on one account are refused by the constraint
        `one_administrator_role_per_user` (whose message the form shows); the admin's inline
        formset checks the rows of one form among themselves.
        """
        super().clean()
        if not self.user_id:
            return
        others = Membership.objects.filter(user_id=self.user_id, is_active=True).exclude(pk=self.pk)
        if self.role in ADMINISTRATOR_ROLES:
            if self.is_active and others.exclude(role__in=ADMINISTRATOR_ROLES).exists():
                raise ValidationError({"role": ADMINISTRATOR_ALONE})
        elif self.is_active and others.filter(role__in=ADMINISTRATOR_ROLES).exists():
            raise ValidationError({"role": ADMINISTRATOR_ALONE})


def sync_staff(user):
    """Staff status (entry to the admin site) for a superuser and for an active administrator role, for no one else."""
    staff = user.is_superuser or user.memberships.filter(is_active=True, role__in=ADMINISTRATOR_ROLES).exists()
    if user.is_staff != staff:
        user.is_staff = staff
        user.save(update_fields=["is_staff"])

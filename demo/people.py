"""The demo data of `manage.py seed_demo`: three districts, their units, people, sessions and items.

Everything is keyed on natural keys and written only when missing or different, so a
second run changes nothing (and adds no history rows). `seed` runs the steps in order;
`seed_items` has the district's office receive and register the items through
`workflow.services.intake`, and `demo.drive` takes them on from the assignment.
"""

import datetime as dt
import random
from dataclasses import dataclass, field

from django.contrib.auth.hashers import check_password, is_password_usable, make_password
from django.db import transaction
from django.utils import timezone

from districts.models import Body, District, HandlingUnit, Membership, Proposer, Role, UnitContact, User
from proposals.models import Category, Item, Kind, Session
from workflow.defaults import ensure_body_settings
from workflow.services import intake

# The system, security and audit administrators' demo logins, named as their roles.
ADMINISTRATORS = [
    (Role.SYSTEM_ADMIN, "系统管理员"),
    (Role.SECURITY_ADMIN, "安全管理员"),
    (Role.AUDIT_ADMIN, "审计管理员"),
]

# Every demo item is then driven through the workflow services, the slow part of seeding.
ITEMS_PER_YEAR_AND_BODY = 12
CATEGORIES = ["经济", "城市建设和管理", "教科文卫体", "综合"]

# (name, short name) in official order; every district has these bureaus.
BUREAUS = [
    ("区经济委员会", "区经委"),
    ("区科学技术委员会", "区科委"),
    ("区交通委员会", "区交通委"),
    ("区教育局", "区教育局"),
    ("区卫生健康委员会", "区卫健委"),
    ("区房屋管理局", "区房管局"),
    ("区绿化和市容管理局", "区绿化市容局"),
    ("区规划和自然资源局", "区规划资源局"),
    ("区民政局", "区民政局"),
]

# (code, name, streets and towns, district leaders, CPPCC sectors)
DISTRICTS = [
    ("minhang", "闵行区", ["江川路街道", "古美路街道", "莘庄镇", "七宝镇"], ["李建国", "陈慧敏"]),
    ("jingan", "静安区", ["南京西路街道", "静安寺街道", "大宁路街道", "彭浦新村街道"], ["周文斌", "吴静"]),
    ("jinshan", "金山区", ["石化街道", "朱泾镇", "枫泾镇", "亭林镇"], ["徐振华", "沈丽萍"]),
]

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林高罗郑梁谢宋唐许韩冯邓曹彭曾肖田董潘袁蔡蒋余于杜叶程魏苏吕丁任沈"
GIVEN = ["建华", "秀英", "志强", "丽娟", "国平", "海燕", "伟民", "晓东", "敏", "立新", "红梅", "振宇", "雪芳", "明辉"]
GIVEN += ["文杰", "佳怡", "德胜", "玉兰", "卫东", "静", "思远", "春燕", "永康", "慧琳", "浩然", "桂芳", "学军", "晨"]
SECTORS = ["经济界", "教育界", "医药卫生界", "科学技术界", "文化艺术界", "社会福利和社会保障界", "中共", "无党派人士"]
GROUPS = [
    ("民革区委", Proposer.Kind.PARTY),
    ("民盟区委", Proposer.Kind.PARTY),
    ("民建区委", Proposer.Kind.PARTY),
    ("九三学社区委", Proposer.Kind.PARTY),
    ("区工商联", Proposer.Kind.ORGANISATION),
    ("区妇联", Proposer.Kind.ORGANISATION),
]

# Title templates by category; {place} is a street or town of the district.
TITLES = {
    "经济": [
        "关于进一步优化{place}营商环境的建议",
        "关于支持中小微企业数字化转型的建议",
        "关于加快{place}产业园区提质增效的建议",
        "关于推动夜间经济规范有序发展的建议",
        "关于完善小微企业融资担保服务的建议",
        "关于促进{place}商业综合体错位发展的建议",
        "关于加强老字号品牌保护与传承的建议",
        "关于扶持乡村特色产业发展的建议",
    ],
    "城市建设和管理": [
        "关于加快{place}老旧小区加装电梯的建议",
        "关于改善{place}地铁站周边非机动车停放秩序的建议",
        "关于增设{place}公共充电桩的建议",
        "关于推进生活垃圾分类长效管理的建议",
        "关于缓解{place}学校周边早晚高峰拥堵的建议",
        "关于加强架空线入地和合杆整治的建议",
        "关于优化{place}公交线路和站点设置的建议",
        "关于提升河道水环境治理水平的建议",
        "关于加强{place}住宅小区物业管理的建议",
        "关于增加{place}口袋公园和街心绿地的建议",
    ],
    "教科文卫体": [
        "关于扩大{place}普惠性托育服务供给的建议",
        "关于加强中小学生心理健康教育的建议",
        "关于推进社区卫生服务中心家庭医生签约服务的建议",
        "关于增加{place}公共体育场地开放时间的建议",
        "关于加强基层医疗机构儿科服务能力的建议",
        "关于推动学校体育场馆向社区开放的建议",
        "关于加强非物质文化遗产保护利用的建议",
        "关于完善区域科技创新服务体系的建议",
    ],
    "综合": [
        "关于完善{place}社区养老服务设施的建议",
        "关于加强老年人助餐服务点建设的建议",
        "关于提升“一网通办”适老化服务水平的建议",
        "关于加强新就业形态劳动者权益保障的建议",
        "关于推进{place}社区治理精细化的建议",
        "关于加强电信网络诈骗防范宣传的建议",
        "关于完善困难群众临时救助机制的建议",
        "关于提高基层社区工作者待遇保障的建议",
    ],
}

DEMO_PASSWORD = "jianyi-demo-2026"  # noqa: S105 - printed by the command, for the demo only


@dataclass
class DemoLogin:
    username: str
    role: str
    scope: str


@dataclass
class DemoResult:
    logins: list[DemoLogin] = field(default_factory=list)
    items_created: int = 0


def sync(model, lookup, values=None):
    """Get the row matching `lookup`, creating it or saving only the fields that differ.

    Unlike update_or_create, an unchanged row is not saved again, so no history row is added.
    """
    values = values or {}
    obj, created = model.objects.get_or_create(**lookup, defaults=values)
    if not created:
        changed = [name for name, value in values.items() if getattr(obj, name) != value]
        if changed:
            for name in changed:
                setattr(obj, name, values[name])
            obj.save(update_fields=changed)
    return obj


def session_of(year):
    """The term and session number of a district's annual session: a term lasts five years from 2022."""
    return 7 + (year - 2022) // 5, (year - 2022) % 5 + 1


NUMERALS = "〇一二三四五六七八九十"


def session_label(term, number):
    return f"{NUMERALS[term] if term <= 10 else term}届{NUMERALS[number]}次"


def person_name(index):
    return SURNAMES[index % len(SURNAMES)] + GIVEN[(index * 11) % len(GIVEN)]


class Seeder:
    """One run of the demo seed; `password_hash` is computed once and shared by the demo logins."""

    def __init__(self, *, today, password):
        self.today = today
        self.password = password
        self.password_hash = None
        self.good_hashes = set()
        self.result = DemoResult()

    # --- people ----------------------------------------------------------------------
    def user(self, username, full_name, *, login=True, **extra):
        user = sync(User, {"username": username}, {"full_name": full_name, **extra})
        if login:
            # Hashing is slow by design: hash once, and check each distinct stored hash once.
            if not self.has_demo_password(user):
                self.password_hash = self.password_hash or make_password(self.password)
                user.password = self.password_hash
                user.save(update_fields=["password"])
            self.good_hashes.add(user.password)
        elif user.has_usable_password():
            user.set_unusable_password()
            user.save(update_fields=["password"])
        return user

    def has_demo_password(self, user):
        if user.password in self.good_hashes:
            return True
        # check_password would spend a full hash on an empty or unusable one, to hide timing.
        return (
            bool(user.password) and is_password_usable(user.password) and check_password(self.password, user.password)
        )

    def membership(self, user, role, district=None, *, unit=None, proposer=None):
        return sync(
            Membership,
            {"user": user, "role": role, "district": district, "unit": unit, "proposer": proposer},
            {"is_active": True},
        )

    def login(self, user, role, scope):
        self.result.logins.append(DemoLogin(user.username, str(Role(role).label), scope))

    # --- a district ----------------------------------------------------------------------
    def district(self, order, code, name, places, leader_names):
        district = sync(District, {"code": code}, {"name": name, "sort_order": order, "is_active": True})
        ensure_body_settings(district)
        leaders = []
        for i, leader_name in enumerate(leader_names, 1):
            demo = code == "minhang" and i == 1
            user = self.user("leader" if demo else f"{code}.leader{i}", f"{leader_name}（副区长）", login=demo)
            self.membership(user, Role.LEADER, district)
            leaders.append(user)
        units = self.units(district, places, leaders)
        categories = [
            sync(Category, {"district": district, "name": name}, {"sort_order": i, "is_active": True})
            for i, name in enumerate(CATEGORIES, 1)
        ]
        proposers = {body: self.proposers(district, body, places) for body in Body.values}
        return district, units, categories, proposers, leaders

    def units(self, district, places, leaders):
        specs = [(name, short, HandlingUnit.Kind.BUREAU) for name, short in BUREAUS]
        specs += [(place, place, HandlingUnit.Kind.STREET_TOWN) for place in places]
        units = []
        for order, (name, short, kind) in enumerate(specs, 1):
            # The first leader oversees the economy and construction bureaus, the second the rest.
            leader = leaders[0] if order <= 3 or order in (6, 7, 8) else leaders[1]
            unit = sync(
                HandlingUnit,
                {"district": district, "name": name},
                {
                    "short_name": short,
                    "kind": kind,
                    "sort_order": order,
                    "responsible_leader": leader,
                    "is_active": True,
                },
            )
            contact_index = order + 100 * district.sort_order
            self.contact(unit, person_name(contact_index), f"021-{64000000 + contact_index * 37:08d}")
            units.append(unit)
        return units

    def contact(self, unit, name, phone):
        """Make `name` the unit's current contact person, ending the previous one's term if it differs."""
        current = UnitContact.objects.filter(unit=unit, ended_on__isnull=True).first()
        if current and current.name == name:
            return sync(UnitContact, {"pk": current.pk}, {"phone": phone})
        if current:
            current.ended_on = max(self.today, current.started_on)
            current.save(update_fields=["ended_on"])
        return UnitContact.objects.create(
            unit=unit, name=name, phone=phone, started_on=self.today.replace(month=1, day=1)
        )

    def proposers(self, district, body, places):
        people = []
        base = 1000 * district.sort_order + (0 if body == Body.NPC else 500)
        for i in range(16):
            constituency = f"{places[i % len(places)]}选区" if body == Body.NPC else SECTORS[i % len(SECTORS)]
            people.append(
                sync(
                    Proposer,
                    {"district": district, "body": body, "name": person_name(base + i * 3)},
                    {"kind": Proposer.Kind.PERSON, "term": 7, "constituency": constituency, "is_active": True},
                )
            )
        groups = []
        if body == Body.CPPCC:
            groups = [
                sync(Proposer, {"district": district, "body": body, "name": name}, {"kind": kind, "is_active": True})
                for name, kind in GROUPS
            ]
        return people, groups

    def sessions(self, district):
        sessions = {}
        for year in (self.today.year - 1, self.today.year):
            term, number = session_of(year)
            for body, opens in ((Body.CPPCC, dt.date(year, 1, 8)), (Body.NPC, dt.date(year, 1, 9))):
                sessions[body, year] = sync(
                    Session,
                    {"district": district, "body": body, "level": Session.Level.DISTRICT, "year": year,
                     "label": session_label(term, number)},
                    {"term": term, "number": number, "starts_on": opens, "ends_on": opens + dt.timedelta(days=3)},
                )  # fmt: skip
        return sessions

    def office(self, district):
        """The office clerk who receives and registers the district's items: the demo login in Minhang."""
        if district.code == "minhang":
            user = self.user("office", "王芳（区府办）", phone="13800000001")
        else:
            user = self.user(
                f"{district.code}.office", f"{person_name(50 * district.sort_order)}（区府办）", login=False
            )
        self.membership(user, Role.OFFICE, district)
        return user

    # --- the demo logins of Minhang --------------------------------------------------------
    def logins(self, district, office, units, proposers, leaders):
        self.login(office, Role.OFFICE, district.name)

        unit = units[0]
        contact = unit.contacts.get(ended_on__isnull=True)
        handler = self.user("handler", f"{contact.name}（{unit.short_name}联络员）", phone=contact.phone)
        self.membership(handler, Role.HANDLER, district, unit=unit)
        sync(UnitContact, {"pk": contact.pk}, {"user": handler})
        self.login(handler, Role.HANDLER, f"{district.name} {unit.name}")

        head = self.user("unit_head", "张志强（区经委主任）", phone="13800000003")
        self.membership(head, Role.UNIT_HEAD, district, unit=unit)
        self.login(head, Role.UNIT_HEAD, f"{district.name} {unit.name}")

        self.login(leaders[0], Role.LEADER, district.name)

        member = proposers[Body.CPPCC][0][0]
        proposer_user = self.user("proposer", f"{member.name}（区政协委员）")
        self.membership(proposer_user, Role.PROPOSER, district, proposer=member)
        self.login(proposer_user, Role.PROPOSER, f"{district.name} {member.name}")

        # A business role over every district, not a superuser: it reads and exports, it does not run the site.
        admin = self.user("admin", "市级管理员", is_staff=False, is_superuser=False)
        self.membership(admin, Role.CITY_ADMIN)
        self.login(admin, Role.CITY_ADMIN, "")

        # The separated duties (三员分立): one account each, in the admin site only.
        for role, full_name in ADMINISTRATORS:
            user = self.user(role.value, full_name, is_superuser=False)
            self.membership(user, role)  # staff status comes with the role
            self.login(user, role, "")


def item_text(lead, co, title):
    subject = title.removeprefix("关于").removesuffix("的建议")
    return (
        f"{lead.name}{'等' if co else ''}提出：{subject}事关群众切身利益。建议相关部门加强调研、统筹推进，"
        "明确时间表和责任人，并及时向代表委员和群众反馈进展。"
    )


def seed_items(
    *, district, session, body, year, categories, people, groups, places, office, count=ITEMS_PER_YEAR_AND_BODY
):
    """Receive and register the items of one district, body and year that are missing; return all of them.

    `office` records each item as handed in on the session's first day and registers it that
    afternoon, through `workflow.services.intake`, so every timeline starts with both events.
    Deterministic: item n always gets the same title, category, proposers and consent,
    so a second run finds every item and adds none.
    """
    kind = Kind.PROPOSAL if body == Body.CPPCC else Kind.SUGGESTION
    rng = random.Random(f"{district.code}-{body}-{year}")  # noqa: S311 - demo data, not security
    existing = set(
        Item.objects.filter(district=district, year=year, body=body, kind=kind).values_list("number", flat=True)
    )
    flat = [(category, title) for category in categories for title in TITLES[category.name]]
    disclosures = [Item.Disclosure.PUBLIC] * 3 + [Item.Disclosure.ON_REQUEST, Item.Disclosure.PRIVATE]
    tz = timezone.get_default_timezone()
    received_at = dt.datetime.combine(session.starts_on, dt.time(9), tzinfo=tz)
    registered_at = dt.datetime.combine(session.starts_on, dt.time(16), tzinfo=tz)
    created = 0
    for n in range(1, count + 1):
        category, template = flat[rng.randrange(len(flat))]
        place = rng.choice(places)
        # Pick lead and co-signers whether or not the item exists, so the sequence never shifts.
        lead = groups[n % len(groups)] if groups and n % 5 == 0 else people[(n * 5) % len(people)]
        co = [] if lead in groups else rng.sample([p for p in people if p != lead], rng.randint(0, 3))
        disclosure = rng.choice(disclosures)
        number = f"{n:04d}"
        if number in existing:
            continue
        title = template.format(place=place)
        item = intake.receive_item(
            actor=office,
            now=received_at,
            district=district,
            year=year,
            body=body,
            kind=kind,
            number=number,
            title=title,
            text=item_text(lead, co, title),
            session=session,
            category=category,
            proposers=[lead, *co],
            lead_proposer=lead,
            disclosure=disclosure,
            submitted_on=session.starts_on,
        )
        intake.register_item(actor=office, now=registered_at, item=item)
        created += 1
    return list(Item.objects.filter(district=district, year=year, body=body, kind=kind)), created


@transaction.atomic
def seed(*, today, password=DEMO_PASSWORD, items_per_year_and_body=ITEMS_PER_YEAR_AND_BODY):
    """Seed (or top up) the whole demo; returns the demo logins and how many items were new."""
    seeder = Seeder(today=today, password=password)
    for order, (code, name, places, leader_names) in enumerate(DISTRICTS, 1):
        district, units, categories, proposers, leaders = seeder.district(order, code, name, places, leader_names)
        office = seeder.office(district)
        if code == "minhang":
            seeder.logins(district, office, units, proposers, leaders)
        for (body, year), session in seeder.sessions(district).items():
            people, groups = proposers[body]
            _items, created = seed_items(
                district=district,
                session=session,
                body=body,
                year=year,
                categories=categories,
                people=people,
                groups=groups,
                places=places,
                office=office,
                count=items_per_year_and_body,
            )
            seeder.result.items_created += created
    return seeder.result

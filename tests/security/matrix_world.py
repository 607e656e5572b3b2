"""The access matrix's one world: the demo's three districts, built once, with a login per role and three scopes.

`seed_demo` drives items through every stage by the workflow services (a reply at the head's, the
leader's and the office's step, an extension to decide, a city opinion, handed-in submissions, a
disclosure request...), which is what the URLs need. The scopes, for every object kind:

- own: Minhang, the demo handler's unit (区经委) and the demo member where the kind has them;
- same: Minhang, another unit and another proposer;
- other: Jinshan.

A kind the demo leaves without an object in a scope is added here through the services or, for the
files, `store_attachment`; `MISSING` (a pk no row has) only where no object of the kind can exist.
"""

import datetime as dt
import io
import uuid
from dataclasses import dataclass, field

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone
from knox.models import AuthToken

from accounts.models import AccountState
from districts.models import Membership, Proposer, Role, User
from proposals.attachments import store_attachment
from proposals.models import Attachment, Item, Kind
from submissions.models import Submission, SubmissionFile
from workflow.models import Assignment, CoUnitOpinion, DisclosureRequest, Extension, Reply
from workflow.services import disclosure, submissions

SCOPES = ("own", "same", "other")
MISSING = 987654321
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

# The matrix's roles; the three administrators join when districts.Role has them.
ROLES = ["anonymous", "office", "handler", "head", "leader", "proposer", "city_admin"]
ADMIN_ROLES = [r for r in ("system_admin", "security_admin", "audit_admin") if r in Role.values]
ROLES += ADMIN_ROLES


@dataclass
class World:
    users: dict  # role -> User (anonymous: None)
    tokens: dict  # role -> API token secret
    token_ids_of: dict  # role -> the id of that token (the "own" scope of revoking a token)
    token_ids: dict  # "same" and "other" -> a token id of someone else
    objects: dict = field(default_factory=dict)  # kind -> {scope: pk}

    def pk(self, kind, scope):
        return self.objects[kind][scope]


def _first(*querysets):
    for qs in querysets:
        obj = qs.order_by("pk").first()
        if obj is not None:
            return obj.pk
    return MISSING


def _pdf(name="附件.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def _proposer_user(proposer, username):
    user = User.objects.create_user(username=username, password=None, full_name=proposer.name)
    Membership.objects.create(user=user, role=Role.PROPOSER, district=proposer.district, proposer=proposer)
    return user


def build_world() -> World:
    call_command("seed_demo", force=True, items=1, stdout=io.StringIO())
    now = timezone.now() - dt.timedelta(hours=1)
    users = {role: User.objects.get(username=name) for role, name in DEMO_LOGINS.items()}
    users["anonymous"] = None
    # Not the demo's superuser: the city admin as the business role it is meant to be.
    city = User.objects.create_user(username="matrix_city", password=None, full_name="市管理员")
    Membership.objects.create(user=city, role=Role.CITY_ADMIN)
    users["city_admin"] = city
    for role in ADMIN_ROLES:
        admin = User.objects.create_user(username=f"matrix_{role}", password=None, full_name=role)
        Membership.objects.create(user=admin, role=role)
        users[role] = admin

    handler = users["handler"]
    home = handler.memberships.get(role=Role.HANDLER)
    district, unit = home.district, home.unit
    member = users["proposer"].memberships.get(role=Role.PROPOSER).proposer
    other_district = type(district).objects.get(code="jinshan")

    items = Item.objects.all()
    own_items = items.filter(district=district, assignments__unit=unit)
    same_items = (
        items.filter(district=district).exclude(assignments__unit=unit).exclude(item_proposers__proposer=member)
    )
    other_items = items.filter(district=other_district)
    objects = {}

    def kind(name, own, same, other):
        objects[name] = {"own": own, "same": same, "other": other}

    kind(
        "item",
        _first(own_items.filter(item_proposers__proposer=member), own_items),
        _first(same_items.exclude(assignments=None), same_items),
        _first(other_items.exclude(assignments=None)),
    )
    kind(
        "pending_item",  # received, not yet registered: the intake review
        _first(items.filter(district=district, review="pending")),
        _first(items.filter(district=district, review="pending").exclude(pk=objects["item"]["own"])),
        _first(other_items.filter(review="pending"), other_items),
    )
    kind(
        "registered_item",  # registered, to assign
        _first(items.filter(district=district, state="registered")),
        _first(items.filter(district=district, state="registered").order_by("-pk")),
        _first(other_items.filter(state="registered"), other_items),
    )
    a = Assignment.objects.all()
    kind(
        "assignment",
        _first(a.filter(unit=unit, item__item_proposers__proposer=member), a.filter(unit=unit)),
        _first(a.filter(unit__district=district).exclude(unit=unit)),
        _first(a.filter(unit__district=other_district)),
    )
    r = Reply.objects.all()
    for state in ("head", "leader", "office"):
        at = r.filter(state__icontains=state)
        kind(
            f"reply_{state}",
            _first(at.filter(assignment__unit=unit), r.filter(assignment__unit=unit)),
            _first(
                at.filter(assignment__unit__district=district).exclude(assignment__unit=unit),
                r.filter(assignment__unit__district=district).exclude(assignment__unit=unit),
            ),
            _first(
                at.filter(assignment__unit__district=other_district),
                r.filter(assignment__unit__district=other_district),
            ),
        )
    e = Extension.objects.all()
    kind(
        "extension",
        _first(e.filter(assignment__unit=unit)),
        _first(e.filter(assignment__unit__district=district).exclude(assignment__unit=unit)),
        _first(e.filter(assignment__unit__district=other_district)),
    )
    o = CoUnitOpinion.objects.select_related("assignment")
    own_opinion = o.filter(assignment__unit=unit).order_by("pk").last()
    same_opinion = o.filter(assignment__unit__district=district).exclude(assignment__unit=unit).order_by("pk").first()
    other_opinion = o.filter(assignment__unit__district=other_district).order_by("pk").first()
    objects["opinion"] = {
        scope: {"pk": op.assignment.item_id, "opinion_id": op.pk} if op else {"pk": MISSING, "opinion_id": MISSING}
        for scope, op in (("own", own_opinion), ("same", same_opinion), ("other", other_opinion))
    }

    # Files: an attachment on each scope's item, and a submission's file.
    for scope in SCOPES:
        store_attachment(
            item=Item.objects.get(pk=objects["item"][scope]),
            uploaded_file=_pdf(),
            purpose=Attachment.Purpose.ITEM,
            uploaded_by=users["office"],
        )
    att = Attachment.objects.all()
    kind(
        "attachment",
        _first(att.filter(item_id=objects["item"]["own"])),
        _first(att.filter(item_id=objects["item"]["same"])),
        _first(att.filter(item_id=objects["item"]["other"])),
    )

    # Submissions: the demo member's own; another member's in Minhang, inviting the demo member; one in Jinshan.
    others = Proposer.objects.filter(district=district, body=member.body, kind=Proposer.Kind.PERSON).exclude(
        pk=member.pk
    )
    peer, peer2 = others.order_by("-pk")[:2]
    far, far2 = Proposer.objects.filter(district=other_district, body=member.body, kind=Proposer.Kind.PERSON)[:2]
    drafts = {}
    for scope, lead, invited in (("same", peer, member), ("other", far, far2)):
        actor = _proposer_user(lead, f"matrix_{scope}_member")
        kind_ = Kind.PROPOSAL if lead.body == "cppcc" else Kind.SUGGESTION
        draft = submissions.create_draft(actor=actor, now=now, lead=lead, kind=kind_, title="草稿", text="正文")
        submissions.add_file(actor=actor, now=now, submission=draft, uploaded_file=_pdf())
        drafts[scope] = (draft, submissions.invite(actor=actor, now=now, submission=draft, proposer=invited))
    own_draft = Submission.objects.filter(lead=member).order_by("pk").first()
    submissions.add_file(actor=users["proposer"], now=now, submission=own_draft, uploaded_file=_pdf())
    kind("submission", own_draft.pk, drafts["same"][0].pk, drafts["other"][0].pk)
    f = SubmissionFile.objects.all()
    kind(
        "submission_file",
        _first(f.filter(submission=own_draft)),
        _first(f.filter(submission=drafts["same"][0])),
        _first(f.filter(submission=drafts["other"][0])),
    )
    # The demo member's own invitation comes from a peer; "same" is the peer's invitation of another member.
    extra = submissions.invite(
        actor=drafts["same"][0].created_by, now=now, submission=drafts["same"][0], proposer=peer2
    )
    kind("invitation", drafts["same"][1].pk, extra.pk, drafts["other"][1].pk)

    # Disclosure: the demo's request in Minhang and one in Jinshan.
    req = DisclosureRequest.objects.all()
    requestable = disclosure.requestable_items()
    far_item = requestable.filter(district=other_district).order_by("pk").first()
    if far_item is not None:
        disclosure.request_disclosure(now=now, item=far_item, name="王芳", contact="wf@example.cn", reason="查阅")
    kind(
        "disclosure_request",
        _first(req.filter(item__district=district)),
        _first(req.filter(item__district=district).order_by("-pk")),
        _first(req.filter(item__district=other_district)),
    )
    kind(
        "requestable_item",
        _first(requestable.filter(district=district)),
        _first(requestable.filter(district=district).order_by("-pk")),
        _first(requestable.filter(district=other_district)),
    )
    from portal.models import PublishedReply

    pub = PublishedReply.objects.all()
    kind(
        "published_item",
        _first(Item.objects.filter(pk__in=pub.filter(item__district=district).values("item"))),
        _first(Item.objects.filter(pk__in=pub.filter(item__district=district).values("item")).order_by("-pk")),
        _first(Item.objects.filter(pk__in=pub.filter(item__district=other_district).values("item"))),
    )

    # People and units kept by the office.
    kind("unit", unit.pk, _first(unit.district.units.exclude(pk=unit.pk)), _first(other_district.units.all()))
    handlers = Membership.objects.filter(role=Role.HANDLER)  # a person's page is their role's (a membership)
    kind(
        "person",
        _first(handlers.filter(user=handler)),
        _first(handlers.filter(district=district).exclude(user=handler)),
        _first(handlers.filter(district=other_district)),
    )

    # Case-file bundles: the office's own request; none can exist for the others (a random id).
    from casefiles.bundles import request_bundle

    bundle = request_bundle(
        user=users["office"], items=Item.objects.filter(pk=objects["item"]["own"]), language="zh-hans", now=now
    )
    kind("bundle", bundle.pk, uuid.uuid4(), uuid.uuid4())
    kind("district_code", district.code, district.code, other_district.code)
    kind("proposer", member.pk, peer.pk, far.pk)
    _outreach(kind, objects, now, users, other_district, peer, far)
    years = {
        scope: Item.objects.get(pk=pk).year if pk != MISSING else 2026
        for scope, pk in objects["published_item"].items()
    }
    kind("year", years["own"], years["same"], years["other"])

    # Ordinary working logins: whoever the office made has chosen a password since, so no forced change.
    AccountState.objects.filter(user__in=[u for u in users.values() if u is not None]).update(
        must_change_password=False, password_changed_at=now
    )
    created = {role: AuthToken.objects.create(user) for role, user in users.items() if user is not None}
    token_ids = {
        "same": AuthToken.objects.create(users["office"])[0].token_key,
        "other": AuthToken.objects.create(User.objects.get(username="matrix_other_member"))[0].token_key,
    }
    return World(
        users=users,
        tokens={role: secret for role, (_token, secret) in created.items()},
        token_ids_of={role: token.token_key for role, (token, _secret) in created.items()},
        token_ids=token_ids,
        objects=objects,
    )


def _outreach(kind, objects, now, users, other_district, peer, far):
    """码上约: the demo member's messages (the demo's), one to a peer in Minhang and one to a member in Jinshan."""
    from outreach.models import Code, Message
    from workflow.services import outreach

    outreach.set_members_enabled(actor=users["city_admin"], now=now, district=other_district, enabled=True)
    for lead, username in ((peer, "matrix_same_member"), (far, "matrix_other_member")):
        code = outreach.issue_code(actor=User.objects.get(username=username), now=now, proposer=lead)
        outreach.receive(now=now, code=code, text="路灯坏了")
    messages = {
        scope: Message.objects.filter(proposer_id=objects["proposer"][scope]).order_by("pk").first() for scope in SCOPES
    }
    kind("outreach_message", *(messages[s].pk for s in SCOPES))
    kind("outreach_private", *(messages[s].private_code for s in SCOPES))
    kind("outreach_code", *(Code.objects.get(pk=messages[s].code_id).code for s in SCOPES))
    kind("district", *(users["office"].memberships.get(role=Role.OFFICE).district_id,) * 2, other_district.pk)


DEMO_LOGINS = {
    "office": "office",
    "handler": "handler",
    "head": "unit_head",
    "leader": "leader",
    "proposer": "proposer",
}

"""The case file as one PDF (fpdf2, the CJK font of the report's PDF): one item, or many one after another.

Each item starts on a new page; headings and a table of contents-like header line per item make a
printed bundle easy to leaf through. The texts are the reader's language (the caller activates it).
"""

from django.utils import formats, timezone
from django.utils.translation import gettext as _
from fpdf import FPDF

from reports.exports.pdf import font_file


class _Document(FPDF):
    def __init__(self, title):
        super().__init__(orientation="portrait", format="A4")
        path, index = font_file()
        self.add_font("cjk", fname=path, collection_font_number=index)
        self.set_title(title)
        self.set_auto_page_break(auto=True, margin=15)
        self.set_font("cjk", size=10)

    def footer(self):
        self.set_y(-12)
        self.set_font("cjk", size=8)
        self.cell(0, 8, _("Page %(page)s") % {"page": self.page_no()}, align="C")

    def heading(self, text, size=12):
        self.ln(3)
        self.set_font("cjk", size=size)
        self.multi_cell(0, 7, text, new_x="LMARGIN", new_y="NEXT")
        self.set_font("cjk", size=10)

    def line(self, text, indent=0):
        self.set_x(self.l_margin + indent)
        self.multi_cell(0, 5.5, text, new_x="LMARGIN", new_y="NEXT")

    def fact(self, label, value, indent=0):
        if value not in (None, ""):
            self.line(f"{label}：{value}", indent)


def _when(moment):
    if moment is None:
        return ""
    if hasattr(moment, "hour"):
        return formats.date_format(timezone.localtime(moment), "Y-m-d H:i")
    return formats.date_format(moment, "Y-m-d")


def _joined(*parts):
    """The parts that say something, joined by middle dots."""
    return " · ".join(str(part) for part in parts if part not in (None, ""))


def _item(pdf, case):
    item = case.item
    pdf.add_page()
    pdf.set_font("cjk", size=9)
    pdf.line(_joined(item.district, item.year, item.get_body_display(), item.get_kind_display()))
    pdf.heading(f"{item.number} {item.title}", size=15)
    pdf.fact(_("Session"), item.session)
    pdf.fact(_("Category"), item.category)
    pdf.fact(_("State"), item.get_state_display())
    pdf.fact(_("Disclosure consent"), item.get_disclosure_display())
    if item.is_key:
        pdf.fact(_("Key item led by"), item.supervising_leader)
    pdf.fact(_("Handed in on"), _when(item.submitted_on))
    pdf.fact(
        _("Proposers"),
        "、".join(
            _("%(name)s (lead)") % {"name": link.proposer} if link.is_lead else str(link.proposer)
            for link in case.proposers
        ),
    )

    pdf.heading(_("The item"))
    pdf.line(item.text or "—")

    pdf.heading(_("Units and due dates"))
    for a in case.assignments:
        assigned = _("assigned on %(date)s") % {"date": _when(a.assigned_at)}
        pdf.line(_joined(a.unit.name, a.get_role_display(), a.get_state_display(), assigned))
        if a.return_reason:
            pdf.fact(_("Reason for return"), a.return_reason, 6)
        for o in a.due_dates:
            done = _when(o.fulfilled_at) or (_("cancelled") if o.cancelled_at else _("open"))
            due = _("%(kind)s: due %(date)s") % {"kind": o.get_kind_display(), "date": _when(o.due_on)}
            pdf.line(_joined(due, done), 6)
        for e in a.extension_rows:
            decided = e.get_state_display() + (f" {_when(e.granted_until)}" if e.granted_until else "")
            asked = _("Extension asked until %(date)s: %(reason)s") % {
                "date": _when(e.requested_until),
                "reason": e.reason,
            }
            pdf.line(_joined(asked, decided), 6)
        for opinion in a.opinion_rows:
            text = _("waived: %(reason)s") % {"reason": opinion.waiver_reason} if opinion.waived else opinion.text
            pdf.fact(_("Opinion"), f"{text}（{_when(opinion.submitted_at)}）", 6)
        for reply in a.reply_rows:
            round_ = _("round %(round)s") % {"round": reply.round}
            pdf.line(_joined(reply.get_kind_display(), round_, reply.get_state_display(), reply.category), 6)
            pdf.line(reply.text or "—", 12)
            pdf.fact(_("Signed by"), reply.signer, 12)
            pdf.fact(_("Approved by the head"), _joined(reply.head_approved_by, _when(reply.head_approved_at)), 12)
            pdf.fact(_("Signed off by the leader"), _joined(reply.leader_signed_by, _when(reply.leader_signed_at)), 12)
            pdf.fact(_("Sent"), _joined(reply.sent_by, _when(reply.sent_at)), 12)
        for report in a.closing_rows:
            pdf.fact(_("Closing report"), f"{report.text}（{_when(report.submitted_at)}）", 6)

    if case.consultations:
        pdf.heading(_("Consultations"))
        for c in case.consultations:
            pdf.line(_joined(_when(c.held_on), c.assignment.unit, c.get_method_display(), c.participants))
            if c.notes:
                pdf.line(c.notes, 6)

    if case.feedback:
        pdf.heading(_("Feedback"))
        for f in case.feedback:
            agrees = _("agrees") if f.agrees else _("disagrees") if f.agrees is False else ""
            praised = _("praises the unit") if f.praised else ""
            round_ = _("round %(round)s") % {"round": f.round}
            pdf.line(_joined(f.proposer, round_, f.rating, agrees, praised, _when(f.submitted_at)))
            if f.comment:
                pdf.line(f.comment, 6)

    if case.follow_ups:
        pdf.heading(_("Follow-up"))
        for f in case.follow_ups:
            pdf.line(_joined(_when(f.reported_at), f.reply.assignment.unit, f.progress))

    pdf.heading(_("Timeline"))
    pdf.set_font("cjk", size=9)
    for event, description in case.events:
        pdf.line(_joined(_when(event.at), event.actor, description))


def render(cases, *, title) -> bytes:
    """One PDF holding `cases` (CaseFile), each from a new page."""
    pdf = _Document(title)
    for case in cases:
        _item(pdf, case)
    if not cases:
        pdf.add_page()
        pdf.line(_("No item."))
    return bytes(pdf.output())

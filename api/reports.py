"""GET /api/v1/reports/annual/ (domain §7): the yearly report as JSON, for office staff, leaders and admins."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from audit.log import Action, record
from districts.models import Body
from proposals.models import Kind, kind_fits_body
from reports.annual import annual_report
from workflow import access
from workflow.errors import WorkflowError

from .errors import error_responses


class AnnualReportParams(serializers.Serializer):
    district = serializers.CharField()
    year = serializers.IntegerField(min_value=1980, max_value=2100)
    body = serializers.ChoiceField(choices=Body.choices)
    kind = serializers.ChoiceField(choices=Kind.choices, required=False)
    as_of = serializers.DateField(required=False)
    precision = serializers.ChoiceField(choices=[(0, "0"), (1, "1")], required=False, default=1)

    def validate(self, attrs):
        kind = attrs.get("kind")
        if kind and not kind_fits_body(kind, attrs["body"]):
            raise ValidationError({"kind": [gettext_lazy("This kind of item does not belong to that body.")]})
        return attrs


def require_report_reader(user):
    """403 for anyone whose roles allow no reports (`access.reads_reports`)."""
    if not access.reads_reports(user):
        raise PermissionDenied(_("Only office staff, district leaders and administrators may read reports."))


def reportable_district(user, code):
    """The district `user` may read reports of; 404 outside their districts, exactly like an unknown code."""
    require_report_reader(user)
    district = access.report_districts(user).filter(code=code).first()
    if district is None:
        raise NotFound(_("No such district."))
    return district


class AnnualReportView(APIView):
    @extend_schema(
        parameters=[AnnualReportParams],
        responses={200: OpenApiTypes.OBJECT, **error_responses(400, 401, 403, 404)},
        description="The yearly report of domain §7 (figures, tables and last year's rates) as JSON.",
    )
    def get(self, request):
        # The role comes first, so a proposer or unit user learns nothing about districts or parameters.
        require_report_reader(request.user)
        params = AnnualReportParams(data=request.query_params)
        params.is_valid(raise_exception=True)
        p = params.validated_data
        district = reportable_district(request.user, p["district"])
        try:
            report = annual_report(
                district=district,
                year=p["year"],
                body=p["body"],
                kind=p.get("kind"),
                as_of=p.get("as_of"),
                precision=int(p["precision"]),
            )
        except WorkflowError as exc:
            raise ValidationError({"detail": exc.message}) from exc
        record(action=Action.EXPORTED, obj=district, report="annual")  # the parameters: the request's query
        return Response(report)

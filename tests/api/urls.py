"""API views that only the error-shape tests reach."""

from django.http import Http404
from django.urls import path
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from workflow.errors import Conflict, NotAllowed, NotFound, WorkflowError


class Params(serializers.Serializer):
    year = serializers.IntegerField(min_value=1980)
    body = serializers.ChoiceField(choices=["npc", "cppcc"])


def raising(exc):
    class View(APIView):
        def get(self, request):
            raise exc

        def post(self, request):
            Params(data=request.data).is_valid(raise_exception=True)
            return Response({})

    return View.as_view()


urlpatterns = [
    path("wrong-state/", raising(WorkflowError("The reply was already sent.", code="reply_sent", field="reply"))),
    path("not-allowed/", raising(NotAllowed("Only the unit head may approve."))),
    path("not-found/", raising(NotFound("This item does not exist or is not yours to see."))),
    path("conflict/", raising(Conflict("Someone accepted it first."))),
    path("http404/", raising(Http404("No Item matches the given query."))),
    path("params/", raising(ValueError("unused"))),
]

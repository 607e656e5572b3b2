"""The items the caller may see: the list (the office's item list's filters, search, order, pages) and one item.

The list's rows are `web.items.listing.list_rows` (visible items, where each stands, lead
proposers and units as JSON subqueries), so a page costs the same queries at any size. An item
outside the caller's scope is a 404 that says nothing of whether it exists.
"""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from proposals.models import Item
from web.items.listing import list_rows
from workflow.selectors import get_item_for

from ..errors import error_responses
from ..filters import ItemFilter
from ..serializers import ItemListSerializer, ItemSerializer
from ..serializers.items import ITEM_RELATED
from .reference import Listed


class Items(Listed):
    queryset = Item.objects.none()  # the schema's model; get_queryset scopes
    serializer_class = ItemListSerializer
    filterset_class = ItemFilter
    search_fields = ["number", "title"]

    @extend_schema(
        tags=["read"],
        operation_id="items_list",
        summary="The items I may see",
        description="Each with where it stands and what it waits for on whom, as the caller may read it. "
        "`search` looks in the number and the title; `ordering` is `due` (overdue first) by default.",
        responses={200: ItemListSerializer(many=True), **error_responses(400, 401, 404)},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return list_rows(self.request.user).select_related("district")


class ItemDetail(APIView):
    serializer_class = ItemSerializer

    @extend_schema(
        tags=["read"],
        operation_id="items_retrieve",
        summary="One item with everything on it I may see",
        parameters=[OpenApiParameter("id", int, OpenApiParameter.PATH, description="The item's id.")],
        responses={200: ItemSerializer, **error_responses(401, 404)},
    )
    def get(self, request, id):
        item = get_item_for(request.user, id, related=ITEM_RELATED)
        return Response(ItemSerializer(item, context={"request": request}).data)

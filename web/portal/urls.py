"""Being built this session."""

urlpatterns = []

from django.urls import path

from . import views

app_name = "pagecache"

urlpatterns = [
    path("_esi/<slug:name>/", views.hole, name="hole"),
    path("_esi/<slug:name>/<str:arg>/", views.hole, name="hole_arg"),
]

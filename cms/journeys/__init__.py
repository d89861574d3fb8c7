"""The public journeys (find a workshop and register, find a place, "Mon pass").

Each module offers a RoutablePageMixin subclass that the page models in cms/models/pages.py
inherit: the routes live here, the page fields there."""

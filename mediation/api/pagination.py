"""Pagination: page numbers for the public lists, a cursor for the activities' sync."""

from rest_framework.pagination import CursorPagination, PageNumberPagination


class PagePagination(PageNumberPagination):
    page_size = 20
    page_size_query_param = "taille"
    max_page_size = 100
    page_query_description = "Numéro de la page (à partir de 1)."
    page_size_query_description = "Nombre de résultats par page (20 par défaut, 100 au plus)."
    invalid_page_message = "Cette page n'existe pas."


class ActivitesCursorPagination(CursorPagination):
    """La Coop's order: last modification first, then id (an index holds it); a record
    modified during a sync comes back in the next one (modifie_depuis)."""

    ordering = ("-modifie_le", "-id")
    page_size = 100
    page_size_query_param = "taille"
    max_page_size = 500
    cursor_query_description = "Curseur de la page suivante (donné par « next »)."
    page_size_query_description = "Nombre de résultats par page (100 par défaut, 500 au plus)."
    invalid_cursor_message = "Curseur invalide."

"""Attendance sheet (feuille d'émargement): A4, black and white, ReportLab.

Header: theme, lieu, date and times, animateurs. A table of the registered people (name,
first name, signature, chèque), blank rows for walk-ins, the count at the bottom.
"""

import io
from xml.sax.saxutils import escape

from django.utils import timezone
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from ateliers.enums import OCCUPE_UNE_PLACE, StatutInscription
from ateliers.templatetags.ateliers_mots import quand_en_mots

LIGNES_VIDES = 5
SUR_LA_FEUILLE = (*OCCUPE_UNE_PLACE, StatutInscription.ABSENT, StatutInscription.EXCUSE)

TITRE = ParagraphStyle("titre", fontName="Helvetica-Bold", fontSize=16, leading=20)
TEXTE = ParagraphStyle("texte", fontName="Helvetica", fontSize=11, leading=15)
CELLULE = ParagraphStyle("cellule", fontName="Helvetica", fontSize=11, leading=13)
ENTETE = ParagraphStyle("entete", fontName="Helvetica-Bold", fontSize=11, leading=13)


def _p(text, style=TEXTE):
    return Paragraph(escape(str(text)), style)


def inscrits(session):
    return list(
        session.inscriptions.filter(statut__in=SUR_LA_FEUILLE)
        .select_related("beneficiaire")
        .order_by("beneficiaire__nom", "beneficiaire__prenom")
    )


def render_feuille(session):
    """The PDF as bytes."""
    people = inscrits(session)
    animateurs = ", ".join(u.get_full_name() or u.email for u in session.animateurs.all())
    lieu = session.lieu
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=15 * mm,
        rightMargin=15 * mm,
        topMargin=15 * mm,
        bottomMargin=18 * mm,
        title=f"Feuille d'émargement — {session.theme.titre}",
        author=lieu.nom,
    )
    story = [
        _p("Feuille d'émargement", TITRE),
        Spacer(1, 3 * mm),
        _p(f"Atelier : {session.theme.titre}"),
        _p(f"Lieu : {lieu.nom}, {lieu.adresse}, {lieu.code_postal} {lieu.commune.nom}"),
        _p(f"Date : {quand_en_mots(session)}"),
        _p(f"Animateurs : {animateurs or 'non renseignés'}"),
        _p(
            "Chèque : notez le code du chèque pass numérique reçu."
            if session.theme.avec_cheque
            else "Atelier gratuit : pas de chèque à recevoir."
        ),
        Spacer(1, 5 * mm),
    ]
    rows = [[_p(h, ENTETE) for h in ("N°", "Nom", "Prénom", "Signature", "Chèque")]]
    for n, inscription in enumerate(people, start=1):
        b = inscription.beneficiaire
        rows.append([_p(n, CELLULE), _p(b.nom, CELLULE), _p(b.prenom, CELLULE), "", ""])
    for n in range(len(people) + 1, len(people) + LIGNES_VIDES + 1):
        rows.append([_p(n, CELLULE), "", "", "", ""])
    table = Table(
        rows,
        colWidths=[12 * mm, 45 * mm, 40 * mm, 45 * mm, 38 * mm],
        rowHeights=[9 * mm] + [12 * mm] * (len(rows) - 1),
        repeatRows=1,
    )
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.8, colors.black),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e0e0e0")),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ]
        )
    )
    story += [
        table,
        Spacer(1, 6 * mm),
        _p(
            f"{len(people)} personne{'s' if len(people) > 1 else ''} "
            f"inscrite{'s' if len(people) > 1 else ''} pour {session.capacite} "
            f"place{'s' if session.capacite > 1 else ''}. "
            "Personnes venues sans inscription : à écrire sur les lignes vides."
        ),
        _p("Nombre de personnes présentes : ______"),
    ]

    imprime = timezone.localtime()

    def footer(canvas, doc):
        canvas.saveState()
        canvas.setFont("Helvetica", 9)
        canvas.drawString(
            15 * mm, 10 * mm, f"Imprimée le {imprime:%d/%m/%Y à %H:%M} — page {doc.page}"
        )
        canvas.restoreState()

    doc.build(story, onFirstPage=footer, onLaterPages=footer)
    return buffer.getvalue()

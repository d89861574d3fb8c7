"""Reimbursement statements as PDF (ReportLab, black and white) and CSV (French spreadsheets)."""

import io
from decimal import Decimal

from django.utils import timezone
from django.utils.formats import date_format
from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from inclusion.exports import csv_writer, nombre
from pass_numerique.services.reimbursement import statement_lines

NBSP = "\u00a0"


def euros(value):
    """1234.5 → "1 234,50 €" (non-breaking spaces)."""
    value = Decimal(value).quantize(Decimal("0.01"))
    whole, cents = f"{value:,.2f}".split(".")
    whole = whole.replace(",", NBSP)
    return f"{whole},{cents}{NBSP}€"


def mois_label(mois):
    return date_format(mois, "F Y")


def numero_releve(releve):
    return f"R-{releve.mois:%Y%m}-{releve.pk:05d}"


def filename(releve, ext):
    return f"releve-{numero_releve(releve)}-lieu-{releve.lieu_id}.{ext}"


def _lines(releve):
    for enc in statement_lines(releve):
        yield {
            "date": timezone.localtime(enc.encaisse_le),
            "carnet": enc.cheque.carnet.numero,
            "rang": enc.cheque.rang,
            "prestation": enc.get_prestation_display(),
            "reference": enc.reference,
            "valeur": enc.valeur,
            "sans_cheque_papier": enc.sans_cheque_papier,
        }


# --- CSV -------------------------------------------------------------------------------------

CSV_HEADER = [
    "Relevé",
    "Lieu",
    "SIRET",
    "Programme",
    "Mois",
    "Date d'encaissement",
    "Carnet n°",
    "Chèque n°",
    "Service rendu",
    "Référence",
    "Valeur (€)",
    "Sans chèque papier",
]
SANS_PAPIER = "sans chèque papier"


def statement_csv(releve):
    """UTF-8 with BOM and `;` so that French spreadsheets open it as is; a total line last.
    Text typed by people (references, names) cannot become a formula (inclusion.exports)."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv_writer(buffer)
    writer.writerow(CSV_HEADER)
    common = [
        numero_releve(releve),
        releve.lieu.nom,
        releve.lieu.pivot_effectif,
        releve.programme.nom,
        f"{releve.mois:%m/%Y}",
    ]
    sans_papier = 0
    for line in _lines(releve):
        sans_papier += line["sans_cheque_papier"]
        writer.writerow(
            [
                *common,
                f"{line['date']:%d/%m/%Y %H:%M}",
                line["carnet"],
                line["rang"],
                line["prestation"],
                line["reference"],
                nombre(line["valeur"]),
                "oui" if line["sans_cheque_papier"] else "non",
            ]
        )
    # The amount stays the last cell of the total line.
    writer.writerow(
        [
            "Total",
            "",
            "",
            "",
            "",
            "",
            "",
            releve.nb_cheques,
            "chèques",
            f"dont {sans_papier} {SANS_PAPIER}",
            nombre(releve.montant),
        ]
    )
    return buffer.getvalue().encode("utf-8")


# --- PDF -------------------------------------------------------------------------------------

BLACK = colors.black
GREY = colors.Color(0.35, 0.35, 0.35)
LIGHT = colors.Color(0.9, 0.9, 0.9)


def _styles():
    base = getSampleStyleSheet()
    return {
        "title": ParagraphStyle("t", parent=base["Title"], fontSize=16, leading=20, spaceAfter=2),
        "sub": ParagraphStyle("s", parent=base["Normal"], fontSize=10, alignment=1),
        "h": ParagraphStyle("h", parent=base["Heading3"], fontSize=11, spaceBefore=6, spaceAfter=2),
        "n": ParagraphStyle("n", parent=base["Normal"], fontSize=10, leading=13),
        "small": ParagraphStyle("sm", parent=base["Normal"], fontSize=8.5, leading=11),
        "right": ParagraphStyle("r", parent=base["Normal"], fontSize=10, alignment=TA_RIGHT),
        "cell": ParagraphStyle("c", parent=base["Normal"], fontSize=9.5, leading=11),
    }


def _esc(text):
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _footer(canvas, doc):
    canvas.saveState()
    canvas.setFont("Helvetica", 8)
    canvas.setFillColor(GREY)
    canvas.drawString(15 * mm, 10 * mm, doc.footer_text)
    canvas.drawRightString(195 * mm, 10 * mm, f"Page {doc.page}")
    canvas.restoreState()


def statement_pdf(releve):
    """A4 statement: who is paid (lieu, structure, SIRET), for what (programme, month), the
    table of chèques, the totals and a signature box."""
    st = _styles()
    lieu, programme = releve.lieu, releve.programme
    numero = numero_releve(releve)
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=15 * mm,
        rightMargin=15 * mm,
        topMargin=15 * mm,
        bottomMargin=18 * mm,
        title=f"Relevé {numero} — {lieu.nom} — {mois_label(releve.mois)}",
        author=programme.financeur.nom,
    )
    doc.footer_text = f"Relevé {numero} — {lieu.nom} — {programme.nom} — {mois_label(releve.mois)}"
    story = [
        Paragraph("Relevé de remboursement — Pass numérique", st["title"]),
        Paragraph(
            f"Chèques encaissés en <b>{_esc(mois_label(releve.mois))}</b> — relevé n° {numero}",
            st["sub"],
        ),
        Spacer(1, 2 * mm),
        # The amount first: it is what the finance officer looks for.
        Paragraph(
            f"<b>Montant à rembourser : {euros(releve.montant)}</b> "
            f"pour {releve.nb_cheques} chèque(s)",
            ParagraphStyle("total", parent=st["sub"], fontSize=12, leading=15),
        ),
        Spacer(1, 5 * mm),
    ]
    adresse = ", ".join(p for p in [lieu.adresse, f"{lieu.code_postal} {lieu.commune.nom}"] if p)
    statut = releve.get_statut_display()
    if releve.paye_le:
        statut += f" le {releve.paye_le:%d/%m/%Y}"
    left = [
        Paragraph("<b>Lieu à rembourser</b>", st["n"]),
        Paragraph(_esc(lieu.nom), st["n"]),
        Paragraph(_esc(adresse), st["n"]),
        Paragraph(f"Structure : {_esc(lieu.structure.nom)}", st["n"]),
        Paragraph(f"SIRET : {_esc(lieu.pivot_effectif or 'non renseigné')}", st["n"]),
    ]
    right = [
        Paragraph("<b>Programme</b>", st["n"]),
        Paragraph(_esc(programme.nom), st["n"]),
        Paragraph(f"Financeur : {_esc(programme.financeur.nom)}", st["n"]),
        Paragraph(f"Valeur d'un chèque : {euros(programme.valeur_cheque)}", st["n"]),
        Paragraph(
            f"Établi le {timezone.localtime(releve.genere_le):%d/%m/%Y} — statut : {statut}",
            st["n"],
        ),
    ]
    head = Table([[left, right]], colWidths=[90 * mm, 90 * mm])
    head.setStyle(
        TableStyle(
            [
                ("BOX", (0, 0), (0, 0), 0.8, BLACK),
                ("BOX", (1, 0), (1, 0), 0.8, BLACK),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 6),
                ("TOPPADDING", (0, 0), (-1, -1), 5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
            ]
        )
    )
    story += [head, Spacer(1, 6 * mm)]

    rows = [["Date", "Carnet n°", "Chèque n°", "Service rendu", "Valeur"]]
    sans_papier = 0
    for line in _lines(releve):
        service = line["prestation"]
        if line["sans_cheque_papier"]:
            sans_papier += 1
            service = Paragraph(
                f"{_esc(service)}<br/><font size=8>{SANS_PAPIER}</font>", st["cell"]
            )
        rows.append(
            [
                f"{line['date']:%d/%m/%Y}",
                line["carnet"],
                str(line["rang"]),
                service,
                euros(line["valeur"]),
            ]
        )
    rows.append(["Total", "", f"{releve.nb_cheques} chèque(s)", "", euros(releve.montant)])
    table = Table(rows, colWidths=[26 * mm, 32 * mm, 26 * mm, 62 * mm, 34 * mm], repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, 0), "Helvetica-Bold"),
                ("FONTNAME", (0, -1), (-1, -1), "Helvetica-Bold"),
                ("FONTSIZE", (0, 0), (-1, -1), 9.5),
                ("BACKGROUND", (0, 0), (-1, 0), LIGHT),
                ("LINEBELOW", (0, 0), (-1, 0), 1, BLACK),
                ("LINEBELOW", (0, 1), (-1, -3), 0.25, GREY),
                ("LINEABOVE", (0, -1), (-1, -1), 1.2, BLACK),
                ("BOX", (0, 0), (-1, -1), 0.8, BLACK),
                ("ALIGN", (2, 0), (2, -1), "CENTER"),
                ("ALIGN", (4, 0), (4, -1), "RIGHT"),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("TOPPADDING", (0, 0), (-1, -1), 3),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
            ]
        )
    )
    story += [table, Spacer(1, 5 * mm)]
    total = Table(
        [
            ["Nombre de chèques", str(releve.nb_cheques)],
            [f"Dont {SANS_PAPIER}", str(sans_papier)],
            ["Montant à rembourser", euros(releve.montant)],
        ],
        colWidths=[60 * mm, 40 * mm],
        hAlign="RIGHT",
    )
    total.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), "Helvetica-Bold"),
                ("FONTSIZE", (0, 0), (-1, -1), 11),
                ("ALIGN", (1, 0), (1, -1), "RIGHT"),
                ("BOX", (0, 0), (-1, -1), 1.2, BLACK),
                ("LINEBELOW", (0, 0), (-1, 1), 0.25, GREY),
                ("TOPPADDING", (0, 0), (-1, -1), 5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
            ]
        )
    )
    story += [total, Spacer(1, 8 * mm)]

    def box(title, lines):
        cell = [Paragraph(f"<b>{title}</b>", st["n"])]
        cell += [Paragraph(text, st["small"]) for text in lines]
        cell += [Spacer(1, 22 * mm), Paragraph("Signature et cachet", st["small"])]
        return cell

    signatures = Table(
        [
            [
                box(
                    "Pour le lieu",
                    [
                        "Je certifie que les services ont été rendus.",
                        "Nom : ........................................",
                        "Date : ....../....../..........",
                    ],
                ),
                box(
                    "Pour le financeur (service payeur)",
                    [
                        "Bon pour paiement.",
                        "Nom : ........................................",
                        "Date : ....../....../..........",
                    ],
                ),
            ]
        ],
        colWidths=[90 * mm, 90 * mm],
    )
    signatures.setStyle(
        TableStyle(
            [
                ("BOX", (0, 0), (0, 0), 0.8, BLACK),
                ("BOX", (1, 0), (1, 0), 0.8, BLACK),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 6),
                ("TOPPADDING", (0, 0), (-1, -1), 5),
            ]
        )
    )
    story.append(KeepTogether([signatures]))
    doc.build(story, onFirstPage=_footer, onLaterPages=_footer)
    return buffer.getvalue()

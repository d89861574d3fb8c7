"""Template filters for times and dates in words (the rules: inclusion.mots_du_temps)."""

from django import template

from inclusion import mots_du_temps

register = template.Library()

register.filter("heure_en_mots", mots_du_temps.heure_en_mots)
register.filter("date_en_mots", mots_du_temps.date_en_mots)
register.filter("date_et_annee_en_mots", mots_du_temps.date_et_annee_en_mots)
register.filter("jour_relatif_en_mots", mots_du_temps.jour_relatif_en_mots)
register.filter("ouverture_en_mots", mots_du_temps.ouverture_en_mots)
register.filter("date_et_heure_en_mots", mots_du_temps.date_et_heure_en_mots)

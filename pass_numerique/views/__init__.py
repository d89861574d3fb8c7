"""Espace pro pages of the pass numérique (thin views: parse → permission → service → render)."""

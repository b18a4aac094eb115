"""Reports: the inscriptions search and the seven reports of seed 004 (§5–6), on screen and
exported, with the large ones generated in the background."""

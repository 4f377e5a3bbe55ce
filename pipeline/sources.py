"""Citations: which document and table each part of the report comes from.

The lines 'Källa: …' under tables and diagrams are built here, so that the name of a
document is written once and an auditor can go from a figure to its raw file.
"""

REPORT = "Stockholms stads handlingsplan för en förbättrad arbetssituation – rapport av arbetet åren 2015–2018 (mars 2019)"
APPENDIX = "Bilaga 4, följeforskarens rapport"


def turnover(profession: str) -> str:
    table = "Tabell 1" if profession == "biståndshandläggare" else "Tabell 2"
    return f"Stadsledningskontoret, i {REPORT}, {table}. Rådata: data/raw/turnover.csv."


def consultants() -> str:
    return f"Enkät till enhetschefer, i {REPORT}, Tabell 3. Rådata: data/raw/consultants.csv."


def district_facts(administration: str) -> str:
    return f"{REPORT}, avsnittet om {administration}. Rådata: data/raw/district_facts.csv."


def researcher(table: str, raw_file: str) -> str:
    return f"{APPENDIX} ({table}), sammanfattad i {REPORT}. Rådata: data/raw/{raw_file}."

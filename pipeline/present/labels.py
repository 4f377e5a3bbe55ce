"""The reader's words for codes in the processed data, shared by the chapters' views and the workbook.

Here, in a module that imports nothing, rather than in the views: the views import the
diagrams (matplotlib and seaborn, about 1.2 s), and the build's own process, which writes the
workbook while the PDFs print, draws none.
"""

FACT_LABEL = {
    "inhabitants": "Invånare",
    "under_20_pct": "Andel under 20 år",
    "over_65_pct": "Andel över 65 år",
    "ohalsotal_days": "Ohälsotal (dagar)",
    "ekonomiskt_bistand_pct": "Andel med ekonomiskt bistånd",
    "socialsekreterare": "Tillsvidareanställda socialsekreterare",
    "bistandshandlaggare": "Tillsvidareanställda biståndshandläggare",
}

AREA_LABEL = {"Okänt": "Okänt", "BOU": "Barn och unga (BOU)", "Ek": "Ekonomiskt bistånd (Ek)",
              "Funk": "Funktionsnedsättning (Funk)", "Psyk": "Socialpsykiatri (Psyk)",
              "Vuxen": "Vuxen/missbruk (Vuxen)", "Äldre": "Äldre"}
OPEN_QUESTION_LABEL = {
    "skillnad_egen_arbetssituation": "a) Skillnad för den egna arbetssituationen",
    "skillnad_medarbetare": "b) Skillnad för socialsekreterarna/biståndshandläggarna (chefernas svar)",
    "skillnad_klienter": "c) Skillnad för klienterna/brukarna",
}

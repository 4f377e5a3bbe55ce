"""Reconciliation of the published report against its own tables (filled in by the audit section)."""

MEASURES = {
    "turnover_ended", "turnover_headcount", "turnover_district_sum_ended", "turnover_district_sum_headcount",
    "consultants", "respondents_count", "respondents_total", "respondents_percent", "mentions_table_total",
    "mentions_percent", "mentions_total", "mentions_top_first", "open_answer_count",
}

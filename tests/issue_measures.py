"""The export-control measures the controls issue names (rule and catalogue tests)."""

ISSUE_RULE_IDS = frozenset(
    {
        "CN-TECH-2023",
        "CN-MOFCOM-2025-18",
        "CN-MOFCOM-2025-57",
        "CN-MOFCOM-2025-61",
        "CN-MOFCOM-2025-62",
        "CN-MOFCOM-2025-70",
        "US-EAR-734.4",
        "US-EAR-ADVCOMP",
        "US-EAR-AFFILIATES-2025",
        "US-DFARS-225.7018",
    }
)

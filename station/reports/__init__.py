"""Reports of assessments: JSON for machines, tables for clinicians."""

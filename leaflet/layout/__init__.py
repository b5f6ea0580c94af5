"""Layout: the content model and a theme become ReportLab flowables and pages."""

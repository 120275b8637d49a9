"""Dates on the English pages: British order, 24-hour clock (Django's "en" is American).

Templates use the named formats (``|date:"DATE_FORMAT"``, ``"SHORT_DATE_FORMAT"``): German gets
Django's own "6. Dezember 2026" and "06.12.2026", English "6 December 2026" and "06/12/2026".
"""

DATE_FORMAT = "j F Y"
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "j F Y, H:i"
YEAR_MONTH_FORMAT = "F Y"
MONTH_DAY_FORMAT = "j F"
SHORT_DATE_FORMAT = "d/m/Y"
SHORT_DATETIME_FORMAT = "d/m/Y H:i"
FIRST_DAY_OF_WEEK = 1  # Monday

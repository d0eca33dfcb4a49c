# English dates as the ILO writes them ("31 December 2019", "October 2020"), not Django's
# American default; French and Spanish use Django's own formats ("31 décembre 2019",
# "31 de diciembre de 2019").
DATE_FORMAT = "j F Y"
YEAR_MONTH_FORMAT = "F Y"

"""The activity report (faaliyet raporu, G m6; S m9(b)7): what the office
did in a month, quarter or year, on screen and as a PDF with charts."""

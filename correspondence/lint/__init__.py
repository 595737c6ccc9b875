"""Turn a DOCX made in Word into the ND 30/2020 departures it shows (``correspondence lint``): ``reading`` reads the
lines, paper and page headers of any DOCX with the formatting Word shows; ``checks`` holds them to the model's
rules, each finding located and citing its rule."""

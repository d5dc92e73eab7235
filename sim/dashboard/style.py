"""Text styles shared by the dashboard's cards. Secondary text is dimmed by opacity, not a fixed
grey, so that it stays readable when a participant's laptop shows the page in dark mode."""

LINE = {"display": "block"}  # one Text per line
SMALL = {"display": "block", "font-size": "0.85em", "opacity": "0.75"}
BOLD = {"display": "block", "font-weight": "bold"}
BIG = {"display": "block", "font-size": "2em", "font-weight": "bold"}
# Said where it cannot be missed: the odds no longer describe the run on screen.
NOTICE = {"display": "block", "font-weight": "bold", "color": "#8B2A00", "margin-top": "6px"}
# A long button label wraps instead of running out of its card on a phone or a projector.
WRAP = {"white-space": "normal", "height": "auto", "min-height": "36px", "text-align": "left", "max-width": "100%"}

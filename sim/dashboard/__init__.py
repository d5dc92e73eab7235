"""The workshop dashboard (`kerjasama dashboard`): a Solara page on Mesa's SolaraViz, in Bahasa
Indonesia or English, working offline, with one model per browser session."""

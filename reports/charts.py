"""The colours of the report's charts: the page (Chart.js) and the PDF draw with the same ones."""

# Row i of a chart takes PALETTE[i], repeating after the last.
PALETTE = ("#b3261e", "#e08a3c", "#3b6ea8", "#5a9e6f", "#8e6bb0", "#c9a227", "#6b7785", "#d35d8b")

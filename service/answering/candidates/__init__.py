"""Answer candidates of three kinds, each an exact span of a report's text: sentence spans (a
sentence, or one with the sentence giving its cause), table rows and table cells (row label ×
column header, with unit and year); records (indicators, findings) are the structured path's."""

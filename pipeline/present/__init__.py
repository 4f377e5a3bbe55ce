"""Tables, diagrams, sentences, the workbook and the page templates."""

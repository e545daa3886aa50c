"""Import readings from CSV and Excel sheets into the metrology domain's readings."""

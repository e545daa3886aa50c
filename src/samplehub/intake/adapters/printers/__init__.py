"""Label printers: ZPL over raw TCP 9100 (Zebra-compatible) and PDF for any other printer."""

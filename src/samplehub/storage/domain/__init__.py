"""Pure storage rules: the site, size classes, dwell estimates, slotting and capacity."""

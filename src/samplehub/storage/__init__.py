"""Storage as data: the site (areas, racks, shelves, slots, places), occupancy, slotting and
capacity warnings."""

"""Reader operations in LLRP messages (inventory, EPC write and read-back) over a link port."""

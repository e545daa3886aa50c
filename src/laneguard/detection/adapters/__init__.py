"""Detection's adapters: detectors, video, motion gate, vest meter, snapshots, zone files."""

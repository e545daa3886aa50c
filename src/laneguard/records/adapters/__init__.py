"""The incidents table, the clip writer and in-memory records."""

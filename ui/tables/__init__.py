"""Item models: one table model per kind over plain row values, filtering and sorting itself."""

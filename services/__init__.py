"""Rackbook's use cases. Nothing in this package imports Qt: the command line, the window and
the tests all call these same functions."""

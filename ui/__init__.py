"""The Rackbook window: Qt widgets, item models and dialogs over the services (never SQL)."""

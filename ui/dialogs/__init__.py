"""Edit, conflict, order-operation and settings dialogs."""

"""The main window's parts, one module per job; ``ui.main_window.MainWindow`` composes them.

- ``actions``: the window's actions, toolbar and menus;
- ``screens``: the sidebar, and each screen built on first visit with its signals wired;
- ``undo_wiring``: the Edit menu's Undo and Redo, and what a step undone reloads;
- ``status``: the status bar, the banners and who is working (access);
- ``database``: switching databases, and following other people's changes;
- ``opening``: the dialogs and panels the window opens, and what the Today view asks for;
- ``going``: showing what a screen asked for (a list filtered, a batch's records, lines);
- ``editing``: Ctrl+C on the table being worked in.

Like ``ui.main_window`` they import only Qt at load time (docs/traps.md: start-up).
"""

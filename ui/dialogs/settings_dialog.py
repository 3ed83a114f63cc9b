"""Settings: alert thresholds, reporting currency, defaults (stored in the database through
services.settings), the user name and the database in use (stored for this computer).

Load → check → save: every value is checked with ``services.settings.parse`` while typing,
OK stays disabled while any is wrong, and all database settings are saved in one transaction.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QByteArray, Qt
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from services import settings as options
from services.errors import ValidationError
from ui import format as fmt
from ui.context import AppContext
from ui.database_choice import location_in_use
from ui.screens.list_screen import table_view
from ui.tables.model import PlainTableModel
from ui.widgets import note_label, ok_cancel, problem_label, show_error

THRESHOLDS = (
    "slip_threshold_days",
    "unconfirmed_days",
    "lead_time_drift_pct",
    "vendor_concentration_pct",
    "ppa_expiry_horizon_days",
    "contract_notice_horizon_days",
    "install_buffer_days",
)


class SettingsDialog(QDialog):
    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.setWindowTitle("Settings")
        self.values: dict[str, Any] = {}
        self.editors: dict[str, QLineEdit] = {}
        self.text_editors: dict[str, QPlainTextEdit] = {}
        self.problems: dict[str, QLabel] = {}
        #: The logo as chosen here (services.settings.Logo), None for none.
        self.logo: Any = None
        tabs = QTabWidget()
        tabs.addTab(self._option_page(THRESHOLDS, "Alerts fire when these are exceeded."), "Alerts")
        figures = [
            o.name for o in options.OPTIONS if o.name not in THRESHOLDS and o.group != "company"
        ]
        money_page = self._option_page(
            figures, "Figures use these when a record leaves them blank."
        )
        self.fx_model = PlainTableModel(["Currency", "Rate", "Valid from"], self)
        fx_view = table_view()
        fx_view.setObjectName("fxRates")
        fx_view.setModel(self.fx_model)
        money_layout = money_page.layout()
        assert isinstance(money_layout, QVBoxLayout)
        money_layout.insertWidget(
            money_layout.count() - 1,
            QLabel("FX rates to the reporting currency (edit them on the FX rates screen):"),
        )
        money_layout.insertWidget(money_layout.count() - 1, fx_view, 1)
        tabs.addTab(money_page, "Currency and defaults")
        tabs.addTab(self._company_page(), "Company")
        tabs.addTab(self._you_page(), "You and the database")
        self.buttons, _ok = ok_cancel(self)
        layout = QVBoxLayout(self)
        if context.read_only and context.access is not None:
            # Database settings are shared by the team: a reader sees them, cannot change them.
            for editor in self.editors.values():
                editor.setReadOnly(True)
            for text_editor in self.text_editors.values():
                text_editor.setReadOnly(True)
            self.logo_button.setEnabled(False)
            self.logo_remove.setEnabled(False)
            note = note_label(
                f"The settings stored in the database are read-only here. {context.access.reason}",
                name="readOnlyNote",
            )
            layout.addWidget(note)
        layout.addWidget(tabs)
        layout.addWidget(self.buttons)
        self.resize(560, 520)
        self._load()

    def _option_page(self, names: Any, intro: str) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        note = note_label(intro)
        layout.addWidget(note)
        form = QFormLayout()
        for name in names:
            option = options.option(name)
            editor = QLineEdit()
            editor.setObjectName(f"setting_{name}")
            editor.textChanged.connect(lambda _t: self._check())
            problem = problem_label(name="", wrap=False)
            self.editors[name] = editor
            self.problems[name] = problem
            form.addRow(option.label, editor)
            form.addRow("", problem)
        layout.addLayout(form)
        layout.addStretch(1)
        return page

    def _company_page(self) -> QWidget:
        """The buyer's letterhead on purchase orders: name, address, tax id, contact, logo."""
        page = QWidget()
        layout = QVBoxLayout(page)
        note = note_label(
            "Printed at the top of every purchase order sent to a vendor. A purchase order "
            "needs at least the name and the address."
        )
        layout.addWidget(note)
        form = QFormLayout()
        for name in ("company_name", "company_address", "company_tax_id", "company_contact"):
            option = options.option(name)
            problem = problem_label(name="", wrap=False)
            self.problems[name] = problem
            if option.multiline:
                text_editor = QPlainTextEdit()
                text_editor.setObjectName(f"setting_{name}")
                text_editor.setFixedHeight(72)
                text_editor.setTabChangesFocus(True)
                text_editor.textChanged.connect(self._check)
                self.text_editors[name] = text_editor
                form.addRow(option.label, text_editor)
            else:
                editor = QLineEdit()
                editor.setObjectName(f"setting_{name}")
                editor.textChanged.connect(lambda _t: self._check())
                self.editors[name] = editor
                form.addRow(option.label, editor)
            form.addRow("", problem)
        self.logo_preview = QLabel("No logo")
        self.logo_preview.setObjectName("logoPreview")
        self.logo_preview.setFixedHeight(64)
        self.logo_button = QPushButton("Choose…")
        self.logo_button.setObjectName("chooseLogo")
        self.logo_button.clicked.connect(lambda: self.choose_logo())
        self.logo_remove = QPushButton("Remove")
        self.logo_remove.setObjectName("removeLogo")
        self.logo_remove.clicked.connect(lambda: self._set_logo(None))
        self.logo_problem = problem_label("logoProblem")
        row = QHBoxLayout()
        row.addWidget(self.logo_preview, 1)
        row.addWidget(self.logo_button)
        row.addWidget(self.logo_remove)
        form.addRow(options.option("company_logo").label, row)
        form.addRow("", self.logo_problem)
        layout.addLayout(form)
        layout.addStretch(1)
        return page

    def choose_logo(self, path: str | None = None) -> bool:
        """A logo from a file (asked for when None); a file that is not a PNG or JPEG image
        is refused under the field and the logo stays as it was."""
        if path is None:
            path, _ = QFileDialog.getOpenFileName(
                self, "Company logo", "", "Images (*.png *.jpg *.jpeg)"
            )
            if not path:
                return False
        try:
            logo = options.parse(options.option("company_logo"), path)
        except ValidationError as exc:
            self.logo_problem.setText(exc.problems[0].reason)
            self.logo_problem.show()
            return False
        self._set_logo(logo)
        return True

    def _set_logo(self, logo: Any) -> None:
        self.logo = logo
        self.logo_problem.hide()
        self.logo_remove.setEnabled(logo is not None and not self.context.read_only)
        if logo is None:
            self.logo_preview.setPixmap(QPixmap())
            self.logo_preview.setText("No logo")
            return
        pixmap = QPixmap()
        pixmap.loadFromData(QByteArray(logo.data))
        self.logo_preview.setPixmap(
            pixmap.scaledToHeight(60, Qt.TransformationMode.SmoothTransformation)
        )
        self.logo_preview.setToolTip(str(logo))

    def _you_page(self) -> QWidget:
        page = QWidget()
        form = QFormLayout(page)
        self.user_edit = QLineEdit(self.context.user)
        self.user_edit.setObjectName("userName")
        self.user_edit.textChanged.connect(lambda _t: self._check())
        form.addRow("Your name (in the audit trail)", self.user_edit)
        from ui.navigation import FIRST_SCREEN, LAST_SCREEN, NAVIGATION

        self.first_screen = QComboBox()
        self.first_screen.setObjectName("firstScreen")
        self.first_screen.setAccessibleName("Open the window on")
        for screen_id, label in NAVIGATION:
            self.first_screen.addItem(label, screen_id)
        self.first_screen.addItem("The screen I was on last", LAST_SCREEN)
        chosen = self.context.settings.value(FIRST_SCREEN, "today")
        self.first_screen.setCurrentIndex(max(self.first_screen.findData(chosen), 0))
        form.addRow("Open the window on", self.first_screen)
        if self.context.login_actor is not None:
            login = note_label(
                f"On this team database your changes are recorded under your database login, "
                f"{self.context.login_actor.user}.",
                name="actingLogin",
            )
            form.addRow("", login)
        database = self.context.db
        in_use = note_label(location_in_use(database), name="databaseInUse")
        in_use.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        form.addRow("Database in use", in_use)
        #: What the field held when the dialog opened: the database in use.
        self.location_shown = location_in_use(database)
        #: The database saved for the next start before this dialog (restored when a newly
        #: chosen one cannot be opened).
        self.saved_before = self.context.settings.value("database/location")
        self.next_database = QLineEdit()
        self.next_database.setObjectName("nextDatabase")
        self.next_database.setEchoMode(QLineEdit.EchoMode.Normal)
        self.next_database.setPlaceholderText(
            "Empty: the default database file. Or a SQLite file, or "
            "postgresql+psycopg://user@host/db"
        )
        self.next_database.setText(self.location_shown)
        browse = QPushButton("Choose file…")
        browse.clicked.connect(self._browse)
        row = QHBoxLayout()
        row.addWidget(self.next_database, 1)
        row.addWidget(browse)
        form.addRow("Use the database", row)
        note = note_label(
            "Another database chosen here is opened when you press OK (brought up to date as "
            "at start-up) and used from then on; if it cannot be opened, the window keeps the "
            "one in use. A PostgreSQL password typed here is kept in the system keyring, never "
            "shown and never written to the settings file."
        )
        form.addRow(note)
        return page

    @property
    def chosen_location(self) -> str | None:
        """The database typed or chosen (None: the default database file)."""
        return self.next_database.text().strip() or None

    @property
    def database_changed(self) -> bool:
        """Whether another database than the one in use was chosen."""
        return (self.chosen_location or "") != self.location_shown

    def _browse(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self,
            "Database file",
            "",
            "Rackbook database (*.db);;All files (*)",
            options=QFileDialog.Option.DontConfirmOverwrite,
        )
        if path:
            self.next_database.setText(path)

    def _load(self) -> None:
        def read(session: Any) -> Any:
            from services import records

            return options.get_all(session), records.list_records(session, "fxrates")

        self.context.read(read, self._loaded, lambda e: show_error(self, e))

    def _loaded(self, found: Any) -> None:
        values, fx = found
        self.values = values
        for name, editor in self.editors.items():
            value = values[name]
            editor.setText(fmt.plain_number(value) if not isinstance(value, str) else value)
        for name, text_editor in self.text_editors.items():
            text_editor.setPlainText(str(values[name] or ""))
        self._set_logo(values.get("company_logo"))
        self.fx_model.set_rows(
            (r["currency"], fmt.number(r["rate"]), fmt.date(r["valid_from"])) for r in fx
        )
        self._check()

    def parsed(self) -> tuple[dict[str, Any], bool]:
        """Every option's typed value from its editor, and whether all are valid."""
        result: dict[str, Any] = {}
        ok = True
        for name, editor in self.editors.items():
            option = options.option(name)
            text = editor.text().strip().replace(fmt.locale().decimalPoint(), ".")
            try:
                result[name] = options.parse(option, text)
                self.problems[name].hide()
            except ValidationError as exc:
                ok = False
                self.problems[name].setText(exc.problems[0].reason)
                self.problems[name].show()
        for name, text_editor in self.text_editors.items():
            try:
                result[name] = options.parse(options.option(name), text_editor.toPlainText())
                self.problems[name].hide()
            except ValidationError as exc:
                ok = False
                self.problems[name].setText(exc.problems[0].reason)
                self.problems[name].show()
        result["company_logo"] = self.logo
        return result, ok

    def _check(self) -> bool:
        _values, ok = self.parsed()
        ok = ok and bool(self.user_edit.text().strip())
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(ok)
        return ok

    def accept(self) -> None:
        if not self._check():
            return
        wanted, _ = self.parsed()
        changed = {n: v for n, v in wanted.items() if v != self.values.get(n)}
        from services.errors import RackbookError
        from ui.database_choice import save_location

        if self.database_changed:
            try:
                # First: with no keyring for a typed password, nothing of the dialog is saved.
                save_location(self.context.settings, self.chosen_location)
            except RackbookError as exc:
                show_error(self, exc)
                return
        self.context.user = self.user_edit.text().strip()
        self.context.settings.setValue("user/name", self.context.user)
        from ui.navigation import FIRST_SCREEN

        self.context.settings.setValue(FIRST_SCREEN, self.first_screen.currentData())
        if not changed:
            super().accept()
            return

        def save(session: Any, actor: Any) -> None:
            for name, value in changed.items():
                options.set_value(session, name, value, actor)

        self.buttons.setEnabled(False)
        self.context.write(save, lambda _n: self._saved(), self._failed)

    def _saved(self) -> None:
        self.buttons.setEnabled(True)
        self.context.changed.emit("settings")
        super().accept()

    def _failed(self, error: BaseException) -> None:
        self.buttons.setEnabled(True)
        show_error(self, error)

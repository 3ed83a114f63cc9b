"""Rackbook's business rules as plain Python over plain values.

No SQLAlchemy, no Qt, no I/O: every function takes small frozen dataclasses, tuples, dates and
Decimals and returns the same kind of values. Services load rows from the database and ask
these modules; the window, the command line, the exports and the alerts show what they say, so
two screens can never disagree about whether a line is overdue.

Modules, each the one home of its rules (docs/domain.md tells them in a buyer's words):

* ``statuses``   what each order line status counts for
* ``supply``     one order line: open units, supply date, overdue, slip, first commitment
* ``gpus``       GPU model matching
* ``contracts``  monthly value, term, TCV, need-by date, delivery date, days late, late credit
* ``allocation`` the one pass per site that pegs GPUs and parts to contracts and deployments
* ``scorecard``  how each vendor keeps its dates
* ``power``      grid capacity by date, power required, PPA cover, headroom
* ``money``      FX, PPA prices, energy price, margin, take-or-pay, payment schedules, cash
* ``whatif``     moving supply dates to see what a slip breaks
"""

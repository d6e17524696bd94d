"""Update the analyst's own Excel model from the releases: link, audit, fill, roll forward.

Qt-free; the command line (`iijdesk update`) and the window share it.

    from iijdesk.core.model_update import update_model
    result = update_model("model.xlsx", workspace.facts, "model-updated.xlsx")
    print(result.report())

layout.py finds each sheet's period row and label column, labels.py reads period labels,
link.py matches hard-coded numbers to facts and audits them, roll.py fills gaps and adds the
next periods, update.py opens the workbook and writes the copy.
"""
from iijdesk.core.model_update.labels import FiscalCalendar, PeriodToken, parse_label, resolve
from iijdesk.core.model_update.layout import SheetLayout, propose_layout, read_layout
from iijdesk.core.model_update.link import AuditFinding, CellLink, FactIndex
from iijdesk.core.model_update.update import (LayoutChoice, ModelError, UpdateResult, analyse, load_model,
                                              propose_layouts, update_model)

__all__ = ["AuditFinding", "CellLink", "FactIndex", "FiscalCalendar", "LayoutChoice", "ModelError",
           "PeriodToken", "SheetLayout", "UpdateResult", "analyse", "load_model", "parse_label",
           "propose_layout", "propose_layouts", "read_layout", "resolve", "update_model"]

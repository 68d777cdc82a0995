"""Pages of the assistance app: schemes (`schemes`), tranches and their workflow (`tranches`), bank files, results
and reconciliation (`payments`), the in-kind handover (`handover`) and a person's ledger (`ledger`).

Every page finds its record among those the user may see (`restrict(user, "view")`) or act on (the step's
permission from `workflow.STEPS`): 403 when the permission is held nowhere, 404 when not over the record's region.
Writes go through `assistance.services`; a refusal shows on the form or as a message, never as an error page.
"""

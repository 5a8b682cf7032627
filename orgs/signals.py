from django.dispatch import Signal

# Sent inside the dissolve transaction; a receiver raises BusinessRuleError to refuse
# (members refuses while the organisation still has current members). Lets orgs stay below members.
before_dissolve = Signal()

# Sent inside the move transaction, after the paths changed: (organization, old_prefix, new_prefix).
# Lets what is summed along the tree (rollups) follow the subtree to its new ancestors.
after_move = Signal()

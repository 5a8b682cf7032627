from django.dispatch import Signal

# Sent inside the dissolve transaction; a receiver raises BusinessRuleError to refuse
# (members refuses while the organisation still has current members). Lets orgs stay below members.
before_dissolve = Signal()

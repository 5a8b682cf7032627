"""One router for the whole API; each app registers its viewsets from its api/ package."""
from django.urls import path, re_path
from rest_framework import authentication, routers

from accounts.api.views import RoleAssignmentViewSet, TokenView, UserViewSet
from core.api import AccountReady
from core.viewsets import NotFoundView
from decisions.api.views import BranchOpinionViewSet, MatterViewSet
from ledgers.api.views import LedgerViewSet, TaskViewSet
from liaison.api.views import BranchVisitViewSet, LiaisonViewSet, ProblemViewSet
from meetings.api.views import CampaignViewSet, MeetingViewSet
from members.api.views import MembershipViewSet, PersonViewSet
from orgs.api.views import OrganizationViewSet
from recognition.api.views import (
    BrandProjectViewSet,
    HonorViewSet,
    ModelBranchBatchViewSet,
    ModelBranchViewSet,
    RoleModelViewSet,
)
from reports.api.views import AnnualReportView


class APIRoot(routers.APIRootView):
    """The API's index: the same authentication and account checks as every resource."""

    authentication_classes = [authentication.TokenAuthentication, authentication.SessionAuthentication]
    permission_classes = [AccountReady]


router = routers.DefaultRouter()
router.APIRootView = APIRoot
router.register("organizations", OrganizationViewSet, basename="organization")
router.register("people", PersonViewSet, basename="person")
router.register("memberships", MembershipViewSet, basename="membership")
router.register("role-assignments", RoleAssignmentViewSet, basename="roleassignment")
router.register("users", UserViewSet, basename="user")
router.register("meetings", MeetingViewSet, basename="meeting")
router.register("campaigns", CampaignViewSet, basename="campaign")
router.register("ledgers", LedgerViewSet, basename="ledger")
router.register("tasks", TaskViewSet, basename="task")
router.register("matters", MatterViewSet, basename="matter")
router.register("branch-opinions", BranchOpinionViewSet, basename="branchopinion")
router.register("liaisons", LiaisonViewSet, basename="liaison")
router.register("branch-visits", BranchVisitViewSet, basename="branchvisit")
router.register("visit-problems", ProblemViewSet, basename="visitproblem")
router.register("brand-projects", BrandProjectViewSet, basename="brandproject")
router.register("model-branch-batches", ModelBranchBatchViewSet, basename="modelbranchbatch")
router.register("model-branches", ModelBranchViewSet, basename="modelbranch")
router.register("honors", HonorViewSet, basename="honor")
router.register("role-models", RoleModelViewSet, basename="rolemodel")

urlpatterns = [
    path("token/", TokenView.as_view(), name="api-token"),
    path("reports/annual/", AnnualReportView.as_view(), name="api-reports-annual"),
    *router.urls,
    # Last, so only what nothing above matched; ending in "/" so that APPEND_SLASH still redirects.
    re_path(r"^(?:{})/.+/$".format("|".join(prefix for prefix, _viewset, _name in router.registry)),
            NotFoundView.as_view()),
]
